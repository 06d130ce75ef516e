package de.ctictl.license;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The trusted public keys: a JWK Set (RFC 7517 §5), loaded strictly as ctictl loads it. A
 * broken key is an error naming the key and the member, never a key silently skipped.
 */
public final class Keyring {
    private final List<TrustedKey> keys;

    private Keyring(List<TrustedKey> keys) {
        this.keys = keys;
    }

    /** Parses JWKS bytes; {@code source} names the input in errors (exit status 65). */
    @SuppressWarnings("unchecked")
    public static Keyring parse(byte[] json, String source) throws LicenseException {
        Object root;
        try {
            root = Json.parse(json);
        } catch (Json.SyntaxError error) {
            throw LicenseException.malformed("keyring.malformed", source + ": the keyring is not valid JSON (" + error.getMessage() + ")");
        }
        if (!(root instanceof Map)) {
            throw LicenseException.malformed("keyring.malformed", source + ": expected a JSON object with a \"keys\" array (a JWK Set)");
        }
        Object entries = ((Map<String, Object>) root).get("keys");
        if (!(entries instanceof List)) {
            throw LicenseException.malformed("keyring.malformed", source + ": member \"keys\" is missing or not an array");
        }
        List<TrustedKey> keys = new ArrayList<>();
        Set<String> kids = new HashSet<>();
        List<Object> list = (List<Object>) entries;
        for (int index = 0; index < list.size(); index++) {
            if (!(list.get(index) instanceof Map)) {
                throw LicenseException.malformed("keyring.key-invalid", source + ": keys[" + index + "] is not a JSON object");
            }
            TrustedKey key = new TrustedKey((Map<String, Object>) list.get(index), source + ": keys[" + index + "]");
            if (!kids.add(Json.canonical(key.kid))) {
                throw LicenseException.malformed("keyring.kid-duplicated", source + ": keys[" + index + "]: kid \"" + key.kid + "\" appears twice; kids must be unique");
            }
            keys.add(key);
        }
        return new Keyring(List.copyOf(keys));
    }

    /** The key with this kid (compared by canonical equivalence, as ctictl compares strings), or null. */
    TrustedKey key(String kid) {
        String wanted = Json.canonical(kid);
        return keys.stream().filter(key -> Json.canonical(key.kid).equals(wanted)).findFirst().orElse(null);
    }

    List<String> kids() {
        return keys.stream().map(key -> key.kid).toList();
    }
}
