package io.lifeboat.drills.mariadb;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads what {@code mariadb --xml} prints, streamed, without an XML library.
 *
 * <p>Why XML and not the tab-separated {@code --batch} output: in batch mode SQL NULL and the
 * string {@code 'NULL'} both print as {@code NULL}, and with {@code --raw} a tab or line break
 * inside a value is indistinguishable from a column or row separator. The XML output marks NULL
 * as {@code <field name="x" xsi:nil="true" />} and escapes {@code < > & "} in values, so every
 * value is exactly recoverable.
 *
 * <p>Why not an XML parser: the client prints one {@code <?xml?>} document per result set one
 * after the other, and copies bytes that are not valid XML characters (binary values, control
 * characters) as they are, both of which a conforming parser rejects. The format is regular
 * enough to scan: a value never contains a raw {@code <}, so a tag starts at every {@code <}, and
 * attribute values never contain a raw {@code >}, so it ends at the next {@code >}.
 */
final class XmlRows {

    /** What the scanner reports, in order. */
    interface Listener {
        /** A new result set starts (one per statement that returns rows). */
        void resultSet();

        /** One row of the current result set; an empty Optional is SQL NULL. */
        void row(List<Optional<String>> values);
    }

    private XmlRows() {
    }

    static void read(Reader in, Listener listener) throws IOException {
        StringBuilder tag = new StringBuilder();
        StringBuilder text = new StringBuilder();
        List<Optional<String>> row = null;
        boolean inField = false;
        int c;
        while ((c = in.read()) >= 0) {
            if (c != '<') {
                if (inField) {
                    text.append((char) c);
                }
                continue;
            }
            tag.setLength(0);
            while ((c = in.read()) >= 0 && c != '>') {
                tag.append((char) c);
            }
            if (c < 0) {
                throw new IOException("the client's XML output ended inside a tag: <" + abbreviate(tag));
            }
            String t = tag.toString();
            if (t.startsWith("resultset")) {
                listener.resultSet();
            } else if (t.equals("row")) {
                row = new ArrayList<>();
            } else if (t.equals("/row")) {
                if (row == null) {
                    throw new IOException("the client's XML output has </row> without <row>");
                }
                listener.row(row);
                row = null;
            } else if (t.startsWith("field ") || t.equals("field")) {
                if (row == null) {
                    throw new IOException("the client's XML output has a field outside a row");
                }
                if (t.endsWith("/")) {
                    row.add(t.contains("xsi:nil=\"true\"") ? Optional.empty() : Optional.of(""));
                } else {
                    inField = true;
                    text.setLength(0);
                }
            } else if (t.equals("/field")) {
                if (!inField || row == null) {
                    throw new IOException("the client's XML output has </field> without <field>");
                }
                row.add(Optional.of(unescape(text)));
                inField = false;
            }
        }
    }

    /** The client escapes {@code < > & "} as entities; numeric references are decoded too. */
    static String unescape(CharSequence s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int semi;
            if (c != '&' || (semi = indexOf(s, ';', i)) < 0) {
                b.append(c);
                continue;
            }
            String entity = s.subSequence(i + 1, semi).toString();
            String decoded = switch (entity) {
                case "lt" -> "<";
                case "gt" -> ">";
                case "amp" -> "&";
                case "quot" -> "\"";
                case "apos" -> "'";
                default -> numeric(entity);
            };
            if (decoded == null) {
                b.append(c);
                continue;
            }
            b.append(decoded);
            i = semi;
        }
        return b.toString();
    }

    private static String numeric(String entity) {
        try {
            if (entity.startsWith("#x") || entity.startsWith("#X")) {
                return new String(Character.toChars(Integer.parseInt(entity.substring(2), 16)));
            }
            if (entity.startsWith("#")) {
                return new String(Character.toChars(Integer.parseInt(entity.substring(1))));
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    private static int indexOf(CharSequence s, char c, int from) {
        for (int i = from; i < s.length() && i < from + 12; i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static String abbreviate(CharSequence s) {
        return s.length() > 60 ? s.subSequence(0, 60) + "…" : s.toString();
    }
}
