package org.bottleneck.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The header dict of a .npy file, parsed by a small strict parser of the Python literal
 * NumPy writes, e.g. {@code {'descr': '<f4', 'fortran_order': False, 'shape': (60000, 784), }}.
 *
 * <p>Grammar (whitespace allowed between tokens; nothing else is accepted):
 * <pre>
 * dict  := '{' [ entry { ',' entry } [ ',' ] ] '}'
 * entry := string ':' value          keys: 'descr', 'fortran_order', 'shape', each exactly once
 * value := string | 'True' | 'False' | tuple
 * tuple := '(' ')' | '(' int ',' [ int { ',' int } [ ',' ] ] ')'    ("(3)" is an int, not a tuple)
 * string := '…' | "…"               no escapes
 * int   := digit { digit }           at most 2^63-1
 * </pre>
 *
 * @param descr        the dtype string as written, e.g. {@code <f4}
 * @param fortranOrder true when the payload is column-major
 * @param shape        the dimensions; values up to 2^63-1 are kept exactly for error messages
 */
record NpyHeader(String descr, boolean fortranOrder, long[] shape) {
    private static final int MAX_DIGITS = 19;

    /** Parses {@code text}; {@code file} names the source in errors. */
    static NpyHeader parse(String file, String text) {
        return new Parser(file, text).dict();
    }

    private static final class Parser {
        private final String file;
        private final String s;
        private int pos;

        Parser(String file, String s) {
            this.file = file;
            this.s = s;
        }

        NpyHeader dict() {
            Map<String, Object> entries = new HashMap<>();
            expect('{');
            while (peek() != '}') {
                int keyAt = skipSpace();
                String key = string();
                if (!key.equals("descr") && !key.equals("fortran_order") && !key.equals("shape")) {
                    throw error(keyAt, "unknown key '" + key + "'; expected 'descr', 'fortran_order' and 'shape'");
                }
                expect(':');
                Object value = value();
                if (entries.put(key, value) != null) {
                    throw error(keyAt, "key '" + key + "' appears twice");
                }
                if (peek() != ',') {
                    break;
                }
                expect(',');
            }
            expect('}');
            skipSpace();
            if (pos != s.length()) {
                throw error(pos, "unexpected text after the closing '}'");
            }
            Object descr = require(entries, "descr", String.class, "a string such as '<f4'");
            Object fortran = require(entries, "fortran_order", Boolean.class, "True or False");
            Object shape = require(entries, "shape", long[].class, "a tuple of integers such as (60000, 784)");
            return new NpyHeader((String) descr, (Boolean) fortran, (long[]) shape);
        }

        private Object require(Map<String, Object> entries, String key, Class<?> type, String what) {
            Object v = entries.get(key);
            if (v == null) {
                throw new DataFormatException("npy file " + file + ": header " + quote(s) + " has no '" + key + "'");
            }
            if (!type.isInstance(v)) {
                throw new DataFormatException("npy file " + file + ": header value of '" + key + "' must be "
                        + what + ", got " + describe(v));
            }
            return v;
        }

        private Object value() {
            int at = skipSpace();
            if (at >= s.length()) {
                throw error(at, "header ends where a value was expected");
            }
            char c = s.charAt(at);
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (s.startsWith("True", at)) {
                pos = at + 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", at)) {
                pos = at + 5;
                return Boolean.FALSE;
            }
            throw error(at, "expected a string, True, False or a tuple");
        }

        private long[] tuple() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            if (peek() == ')') {
                expect(')');
                return new long[0];
            }
            dims.add(integer());
            expect(',');
            while (peek() != ')') {
                dims.add(integer());
                if (peek() != ',') {
                    break;
                }
                expect(',');
            }
            expect(')');
            long[] out = new long[dims.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = dims.get(i);
            }
            return out;
        }

        private long integer() {
            int at = skipSpace();
            int end = at;
            while (end < s.length() && s.charAt(end) >= '0' && s.charAt(end) <= '9') {
                end++;
            }
            if (end == at) {
                throw error(at, "expected a non-negative integer in the shape");
            }
            try {
                if (end - at <= MAX_DIGITS) {
                    long v = Long.parseLong(s, at, end, 10);
                    pos = end;
                    return v;
                }
            } catch (NumberFormatException e) {
                // more than 2^63-1: reported below
            }
            throw error(at, "shape dimension " + s.substring(at, Math.min(end, at + 40)) + " is too large");
        }

        private String string() {
            int at = skipSpace();
            char q = at < s.length() ? s.charAt(at) : 0;
            if (q != '\'' && q != '"') {
                throw error(at, "expected a quoted string");
            }
            int end = s.indexOf(q, at + 1);
            if (end < 0) {
                throw error(at, "unterminated string");
            }
            String v = s.substring(at + 1, end);
            if (v.indexOf('\\') >= 0) {
                throw error(at, "escape sequences are not supported in strings");
            }
            pos = end + 1;
            return v;
        }

        private void expect(char c) {
            int at = skipSpace();
            if (at >= s.length() || s.charAt(at) != c) {
                throw error(at, "expected '" + c + "'");
            }
            pos = at + 1;
        }

        /** The next non-space character without consuming it, or 0 at the end. */
        private char peek() {
            int at = skipSpace();
            return at < s.length() ? s.charAt(at) : 0;
        }

        private int skipSpace() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == '\n'
                    || s.charAt(pos) == '\r')) {
                pos++;
            }
            return pos;
        }

        private DataFormatException error(int at, String what) {
            String found = at >= s.length() ? "end of header" : "'" + s.charAt(at) + "'";
            return new DataFormatException("npy file " + file + ": bad header dict at character " + at + " ("
                    + found + "): " + what + "; header: " + quote(s));
        }
    }

    private static String describe(Object v) {
        if (v instanceof long[] t) {
            return "a tuple of " + t.length + " integers";
        }
        if (v instanceof String str) {
            return "the string '" + str + "'";
        }
        return String.valueOf(v).equals("true") ? "True" : "False";
    }

    /** The header for messages: control characters escaped, cut after 200 characters. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append(s.length() > 200 ? "…\"" : "\"").toString();
    }
}
