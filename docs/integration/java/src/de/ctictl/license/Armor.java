package de.ctictl.license;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the license text as ctictl does (docs/license-format.md, "Reading rules"): optional
 * comment lines, then {@code -----BEGIN CTI LICENSE-----}, the compact JWS wrapped at any
 * width, {@code -----END CTI LICENSE-----}; or the bare compact JWS, as pasted into the
 * STARFACE module's "Lizenz" field. Whitespace is never part of a JWS, so whatever e-mail and
 * copy-paste do with it (CRLF, re-wrapping, indentation, tabs, a BOM, no-break spaces) is
 * dropped.
 */
final class Armor {
    static final String BEGIN = "-----BEGIN CTI LICENSE-----";
    static final String END = "-----END CTI LICENSE-----";

    /** What the text holds: the compact JWS, and the unsigned comment lines before it. */
    record Text(String compact, List<String> comments) {}

    /** A line: its code points, and where its content (without surrounding whitespace) lies. */
    private record Line(int[] chars, int contentStart, int contentEnd) {
        String content() {
            return new String(chars, contentStart, contentEnd - contentStart);
        }
    }

    private Armor() {}

    static Text read(byte[] input) throws LicenseException {
        int start = input.length >= 3 && (input[0] & 0xFF) == 0xEF && (input[1] & 0xFF) == 0xBB && (input[2] & 0xFF) == 0xBF ? 3 : 0;
        boolean blank = true;
        boolean hasNul = false;
        for (int i = start; i < input.length; i++) {
            int b = input[i] & 0xFF;
            if (b != 0x20 && (b < 0x09 || b > 0x0D)) blank = false;
            if (b == 0) hasNul = true;
        }
        if (blank) throw LicenseException.malformed("armor.empty", "the file is empty; expected a cti license (" + BEGIN + " ...)");
        String text = hasNul ? null : Json.strictUTF8(input, start);
        if (text == null) {
            throw LicenseException.malformed("armor.not-text", "the file is not text (binary data or not UTF-8); expected a cti license");
        }
        List<Line> lines = lines(text.codePoints().toArray());
        List<Integer> begins = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String content = lines.get(i).content();
            if (content.equals(BEGIN)) begins.add(i);
            if (content.equals(END)) ends.add(i);
        }
        if (begins.size() > 1) {
            throw LicenseException.malformed("armor.multiple", "the file holds " + begins.size() + " cti licenses; put each into its own file");
        }
        if (begins.isEmpty()) {
            if (!ends.isEmpty()) {
                throw LicenseException.malformed("armor.truncated", "found " + END + " but no " + BEGIN + ": the beginning was cut off; copy the whole block");
            }
            return readBare(lines);
        }
        int begin = begins.get(0);
        int end = ends.stream().filter(index -> index > begin).findFirst().orElse(-1);
        if (end < 0) {
            throw LicenseException.malformed("armor.truncated", "found " + BEGIN + " but no " + END + " after it: the text was cut off; copy the whole block");
        }
        String compact = collectToken(lines, begin + 1, end);
        List<String> comments = new ArrayList<>();
        for (Line line : lines.subList(0, begin)) {
            if (line.contentEnd > line.contentStart) comments.add(line.content());
        }
        return new Text(compact, comments);
    }

    /** No armor: the bare compact JWS, maybe wrapped. */
    private static Text readBare(List<Line> lines) throws LicenseException {
        for (Line line : lines) {
            if (line.content().startsWith("-----BEGIN ")) {
                throw LicenseException.malformed("armor.wrong-label", "found " + line.content() + " where a " + BEGIN + " block was expected; is this the right kind of file?");
            }
        }
        String compact = collectToken(lines, 0, lines.size());
        long dots = compact.chars().filter(c -> c == '.').count();
        if (dots > 2 && dots % 2 == 0) {
            throw LicenseException.malformed("armor.multiple", "the text holds " + dots / 2 + " compact JWS tokens; put each cti license into its own file");
        }
        return new Text(compact, List.of());
    }

    /** Joins the lines, dropping whitespace; anything outside the JWS alphabet is an error. */
    private static String collectToken(List<Line> lines, int from, int to) throws LicenseException {
        StringBuilder token = new StringBuilder();
        for (int index = from; index < to; index++) {
            Line line = lines.get(index);
            for (int column = line.contentStart; column < line.contentEnd; column++) {
                int c = line.chars[column];
                if (isTokenChar(c)) {
                    token.append((char) c);
                } else if (!isWhitespace(c)) {
                    throw LicenseException.malformed("armor.invalid-character", "line " + (index + 1) + ", column " + (column + 1) + ": character "
                            + String.format("U+%04X", c) + " cannot be part of a cti license; expected only A-Z a-z 0-9 - _ .");
                }
            }
        }
        if (token.length() == 0) throw LicenseException.malformed("armor.empty", "the " + BEGIN + " block is empty");
        return token.toString();
    }

    private static boolean isTokenChar(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    }

    /** Whitespace as copy-paste produces it, including no-break and zero-width spaces. */
    static boolean isWhitespace(int c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B)
                || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
    }

    /** The lines of the text. Lines end at LF, CRLF, CR, NEL (U+0085) and LINE SEPARATOR (U+2028). */
    private static List<Line> lines(int[] chars) {
        List<Line> lines = new ArrayList<>();
        int lineStart = 0;
        int index = 0;
        while (index <= chars.length) {
            boolean atEnd = index == chars.length;
            int c = atEnd ? 0 : chars[index];
            if (atEnd || c == '\n' || c == '\r' || c == 0x85 || c == 0x2028) {
                int[] line = Arrays.copyOfRange(chars, lineStart, index);
                int contentStart = 0;
                while (contentStart < line.length && isWhitespace(line[contentStart])) contentStart++;
                int contentEnd = line.length;
                while (contentEnd > contentStart && isWhitespace(line[contentEnd - 1])) contentEnd--;
                lines.add(new Line(line, contentStart, contentEnd));
                index += (c == '\r' && index + 1 < chars.length && chars[index + 1] == '\n') ? 2 : 1;
                lineStart = index;
                continue;
            }
            index++;
        }
        return lines;
    }
}
