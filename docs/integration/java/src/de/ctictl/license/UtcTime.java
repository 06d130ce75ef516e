package de.ctictl.license;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Days and instants as ctictl writes and reads them: {@code YYYY-MM-DD} and RFC 3339 in UTC. */
final class UtcTime {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'");

    private UtcTime() {}

    /** {@code YYYY-MM-DD} exactly (2027-02-29 is refused, 2028-02-29 accepted), or null. */
    static LocalDate parseDay(String text) {
        if (text.length() != 10 || text.charAt(4) != '-' || text.charAt(7) != '-') return null;
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        if (year < 1 || month < 0 || day < 0) return null;
        try {
            return LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /**
     * An instant (seconds since 1970) from {@code YYYY-MM-DD} (the start of that UTC day) or
     * {@code YYYY-MM-DDTHH:MM:SSZ} / {@code ...+01:00} (no fractions), or null.
     */
    static Long parseInstant(String text) {
        LocalDate day = parseDay(text);
        if (day != null) return day.toEpochDay() * 86_400;
        if (text.length() < 20) return null;
        char separator = text.charAt(10);
        day = parseDay(text.substring(0, 10));
        if (day == null || (separator != 'T' && separator != 't' && separator != ' ')) return null;
        if (text.charAt(13) != ':' || text.charAt(16) != ':') return null;
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if (hour < 0 || hour >= 24 || minute < 0 || minute >= 60 || second < 0 || second >= 60) return null;
        String zone = text.substring(19);
        int offset;
        if (zone.equals("Z") || zone.equals("z")) {
            offset = 0;
        } else if (zone.length() == 6 && (zone.charAt(0) == '+' || zone.charAt(0) == '-') && zone.charAt(3) == ':') {
            int h = digits(zone, 1, 3);
            int m = digits(zone, 4, 6);
            if (h < 0 || h >= 24 || m < 0 || m >= 60) return null;
            offset = (h * 3600 + m * 60) * (zone.charAt(0) == '-' ? -1 : 1);
        } else {
            return null;
        }
        return day.toEpochDay() * 86_400 + hour * 3600 + minute * 60 + second - offset;
    }

    /** {@code 2026-11-24T13:35:28Z}. */
    static String format(long seconds) {
        return FORMAT.format(Instant.ofEpochSecond(seconds).atOffset(ZoneOffset.UTC));
    }

    /** The ASCII digits of text[from, to) as a number, or -1. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') return -1;
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
