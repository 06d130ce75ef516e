package de.ctictl.license;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the members of a JSON object with errors that name the member's path
 * ({@code cti.pbx.factors[1].kind}), as ctictl reads signed payloads: a member that is
 * {@code null} counts as absent.
 */
final class JsonObject {
    /** A member that is missing or of the wrong kind. */
    static final class MemberError extends Exception {
        private static final long serialVersionUID = 1L;

        MemberError(String path, String reason) {
            super(path + " " + reason);
        }
    }

    private final Map<String, Object> members;
    private final String path;

    @SuppressWarnings("unchecked")
    JsonObject(Object value, String path) throws MemberError {
        if (!(value instanceof Map)) throw new MemberError(path.isEmpty() ? "the document" : path, "must be a JSON object");
        this.members = (Map<String, Object>) value;
        this.path = path;
    }

    private String name(String member) {
        return path.isEmpty() ? member : path + "." + member;
    }

    /** The member's value, or null when it is absent or JSON null. */
    private Object get(String member) {
        Object value = members.get(member);
        return value == Json.NULL ? null : value;
    }

    String optionalString(String member) throws MemberError {
        Object value = get(member);
        if (value == null) return null;
        if (!(value instanceof String)) throw new MemberError(name(member), "must be a string");
        return (String) value;
    }

    String string(String member) throws MemberError {
        String text = optionalString(member);
        if (text == null) throw new MemberError(name(member), "is missing");
        return text;
    }

    Long optionalInteger(String member) throws MemberError {
        Object value = get(member);
        if (value == null) return null;
        if (!(value instanceof Double) || !isInteger((Double) value, 9_007_199_254_740_991d)) {
            throw new MemberError(name(member), "must be an integer");
        }
        return (long) (double) (Double) value;
    }

    long integer(String member) throws MemberError {
        Long value = optionalInteger(member);
        if (value == null) throw new MemberError(name(member), "is missing");
        return value;
    }

    /** Whether a number is whole and its magnitude at most {@code limit}. */
    static boolean isInteger(double number, double limit) {
        return Math.rint(number) == number && Math.abs(number) <= limit;
    }

    List<String> optionalStringArray(String member) throws MemberError {
        Object value = get(member);
        if (value == null) return null;
        if (!(value instanceof List)) throw new MemberError(name(member), "must be an array of strings");
        List<String> result = new ArrayList<>();
        List<?> elements = (List<?>) value;
        for (int i = 0; i < elements.size(); i++) {
            if (!(elements.get(i) instanceof String)) throw new MemberError(name(member) + "[" + i + "]", "must be a string");
            result.add((String) elements.get(i));
        }
        return result;
    }

    JsonObject optionalObject(String member) throws MemberError {
        Object value = get(member);
        return value == null ? null : new JsonObject(value, name(member));
    }

    JsonObject object(String member) throws MemberError {
        JsonObject reader = optionalObject(member);
        if (reader == null) throw new MemberError(name(member), "is missing");
        return reader;
    }

    List<JsonObject> objectArray(String member) throws MemberError {
        Object value = get(member);
        if (value == null) throw new MemberError(name(member), "is missing");
        if (!(value instanceof List)) throw new MemberError(name(member), "must be an array");
        List<JsonObject> result = new ArrayList<>();
        List<?> elements = (List<?>) value;
        for (int i = 0; i < elements.size(); i++) result.add(new JsonObject(elements.get(i), name(member) + "[" + i + "]"));
        return result;
    }
}
