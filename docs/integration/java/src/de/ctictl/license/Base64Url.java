package de.ctictl.license;

import java.nio.charset.StandardCharsets;

/**
 * Strict base64url without padding (RFC 4648 §5), as ctictl decodes it: padding, characters
 * outside the alphabet and non-zero unused bits in the last character are refused, so exactly
 * one text encodes any byte string. (java.util.Base64 accepts non-zero unused bits.)
 */
final class Base64Url {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private Base64Url() {}

    /** The bytes, or null for anything but canonical base64url. */
    static byte[] decode(byte[] text, int from, int to) {
        int count = to - from;
        if (count % 4 == 1) return null;
        byte[] output = new byte[count * 3 / 4];
        int written = 0;
        int accumulator = 0;
        int bits = 0;
        for (int i = from; i < to; i++) {
            int value = ALPHABET.indexOf(text[i] & 0xFF);
            if (value < 0) return null;
            accumulator = (accumulator << 6) | value;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                output[written++] = (byte) (accumulator >> bits);
                accumulator &= (1 << bits) - 1;
            }
        }
        // The bits left over must be zero, else two texts would decode to the same bytes.
        if (bits > 0 && accumulator != 0) return null;
        return output;
    }

    static byte[] decode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return decode(bytes, 0, bytes.length);
    }
}
