package de.ctictl.license;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON parser (RFC 8259), the same rules as ctictl's: duplicate member names, invalid
 * UTF-8, lone surrogates and nesting deeper than 64 are errors. Values are {@code Map<String,
 * Object>}, {@code List<Object>}, {@code String}, {@code Double}, {@code Boolean} and
 * {@link #NULL}.
 */
final class Json {
    /** JSON {@code null}, distinct from a member that is absent. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** A syntax error, with the byte offset where it was found. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(int offset, String reason) {
            super(reason + " at byte " + offset);
        }
    }

    private final byte[] bytes;
    private int index;

    private Json(byte[] bytes) {
        this.bytes = bytes;
    }

    static Object parse(byte[] bytes) throws SyntaxError {
        Json reader = new Json(bytes);
        reader.skipWhitespace();
        Object value = reader.value(0);
        reader.skipWhitespace();
        if (reader.index != bytes.length) throw reader.fail("unexpected text after the JSON value");
        return value;
    }

    /**
     * The key under which a member name is stored: its canonical (NFC) form, because ctictl
     * (Swift) compares strings by canonical equivalence, so two spellings of one name are a
     * duplicate there too. ASCII names are their own NFC form.
     */
    static String canonical(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFC);
    }

    private SyntaxError fail(String reason) {
        return new SyntaxError(index, reason);
    }

    private void skipWhitespace() {
        while (index < bytes.length && (bytes[index] == ' ' || bytes[index] == '\n' || bytes[index] == '\r' || bytes[index] == '\t')) {
            index++;
        }
    }

    private Object value(int depth) throws SyntaxError {
        if (depth >= 64) throw fail("nesting deeper than 64");
        if (index >= bytes.length) throw fail("unexpected end of input");
        byte first = bytes[index];
        switch (first) {
            case '{': return object(depth);
            case '[': return array(depth);
            case '"': return string();
            case 't': literal("true"); return Boolean.TRUE;
            case 'f': literal("false"); return Boolean.FALSE;
            case 'n': literal("null"); return NULL;
            default:
                if (first == '-' || (first >= '0' && first <= '9')) return number();
                throw fail("unexpected character");
        }
    }

    private void literal(String word) throws SyntaxError {
        if (index + word.length() > bytes.length) throw fail("unexpected end of input");
        for (int offset = 0; offset < word.length(); offset++) {
            if (bytes[index + offset] != word.charAt(offset)) throw fail("invalid literal");
        }
        index += word.length();
    }

    private Map<String, Object> object(int depth) throws SyntaxError {
        index++;
        Map<String, Object> members = new LinkedHashMap<>();
        skipWhitespace();
        if (index < bytes.length && bytes[index] == '}') {
            index++;
            return members;
        }
        while (true) {
            skipWhitespace();
            if (index >= bytes.length || bytes[index] != '"') throw fail("expected a member name");
            int nameOffset = index;
            String name = canonical(string());
            skipWhitespace();
            if (index >= bytes.length || bytes[index] != ':') throw fail("expected ':'");
            index++;
            skipWhitespace();
            Object value = value(depth + 1);
            if (members.putIfAbsent(name, value) != null) throw new SyntaxError(nameOffset, "duplicate member \"" + name + "\"");
            skipWhitespace();
            if (index >= bytes.length) throw fail("unexpected end of input");
            if (bytes[index] == ',') {
                index++;
            } else if (bytes[index] == '}') {
                index++;
                return members;
            } else {
                throw fail("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) throws SyntaxError {
        index++;
        List<Object> elements = new ArrayList<>();
        skipWhitespace();
        if (index < bytes.length && bytes[index] == ']') {
            index++;
            return elements;
        }
        while (true) {
            skipWhitespace();
            elements.add(value(depth + 1));
            skipWhitespace();
            if (index >= bytes.length) throw fail("unexpected end of input");
            if (bytes[index] == ',') {
                index++;
            } else if (bytes[index] == ']') {
                index++;
                return elements;
            } else {
                throw fail("expected ',' or ']'");
            }
        }
    }

    private String string() throws SyntaxError {
        index++;
        ByteArrayOutputStream utf8 = new ByteArrayOutputStream();
        while (true) {
            if (index >= bytes.length) throw fail("unterminated string");
            int b = bytes[index] & 0xFF;
            if (b == '"') {
                index++;
                String text = strictUTF8(utf8.toByteArray(), 0);
                if (text == null) throw fail("invalid UTF-8 in string");
                return text;
            }
            if (b < 0x20) throw fail("control character in string");
            index++;
            if (b != '\\') {
                utf8.write(b);
                continue;
            }
            if (index >= bytes.length) throw fail("unterminated escape");
            byte escape = bytes[index++];
            switch (escape) {
                case '"': utf8.write('"'); break;
                case '\\': utf8.write('\\'); break;
                case '/': utf8.write('/'); break;
                case 'b': utf8.write(0x08); break;
                case 'f': utf8.write(0x0C); break;
                case 'n': utf8.write(0x0A); break;
                case 'r': utf8.write(0x0D); break;
                case 't': utf8.write(0x09); break;
                case 'u': utf8.writeBytes(new String(Character.toChars(unicodeEscape())).getBytes(StandardCharsets.UTF_8)); break;
                default: throw fail("invalid escape");
            }
        }
    }

    /** A {@code \\uXXXX} escape (after the {@code u}); a surrogate pair counts as one. */
    private int unicodeEscape() throws SyntaxError {
        int code = hex4();
        if (code >= 0xD800 && code <= 0xDBFF) {
            if (index + 1 >= bytes.length || bytes[index] != '\\' || bytes[index + 1] != 'u') throw fail("lone surrogate in string");
            index += 2;
            int low = hex4();
            if (low < 0xDC00 || low > 0xDFFF) throw fail("lone surrogate in string");
            return 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        }
        if (code >= 0xDC00 && code <= 0xDFFF) throw fail("lone surrogate in string");
        return code;
    }

    /** The bytes from {@code start} as text, or null when they are not valid UTF-8. */
    static String strictUTF8(byte[] bytes, int start) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, start, bytes.length - start))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private int hex4() throws SyntaxError {
        if (index + 4 > bytes.length) throw fail("short \\u escape");
        int value = 0;
        for (int count = 0; count < 4; count++) {
            int digit = Character.digit(bytes[index], 16);
            if (digit < 0) throw fail("invalid \\u escape");
            value = value << 4 | digit;
            index++;
        }
        return value;
    }

    private Double number() throws SyntaxError {
        int start = index;
        if (bytes[index] == '-') index++;
        if (index >= bytes.length) throw fail("invalid number");
        if (bytes[index] == '0') {
            index++;
        } else if (digits() == 0) {
            throw fail("invalid number");
        }
        if (index < bytes.length && bytes[index] == '.') {
            index++;
            if (digits() == 0) throw fail("invalid number");
        }
        if (index < bytes.length && (bytes[index] == 'e' || bytes[index] == 'E')) {
            index++;
            if (index < bytes.length && (bytes[index] == '+' || bytes[index] == '-')) index++;
            if (digits() == 0) throw fail("invalid number");
        }
        double value = Double.parseDouble(new String(bytes, start, index - start, StandardCharsets.US_ASCII));
        if (!Double.isFinite(value)) throw new SyntaxError(start, "number out of range");
        return value;
    }

    private int digits() {
        int start = index;
        while (index < bytes.length && bytes[index] >= '0' && bytes[index] <= '9') index++;
        return index - start;
    }
}
