package org.medshare.service.badinput;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a file of named request bodies under {@code src/test/resources/bad-input/}. Each case starts with a line
 * {@code ### <name> <status> [<problem kind>|-]} and its body is every line up to the next such line (the final
 * newline removed). Lines starting with {@code #} followed by a space are comments. Bodies may use the fixture's
 * placeholders ({@link Fixture#resolve}).
 */
final class CorpusFile {

    /** One body with its expectation. */
    record Entry(String name, int status, String kind, String body) {}

    private CorpusFile() {}

    static List<Entry> read(String file) {
        String text;
        try (InputStream in = CorpusFile.class.getResourceAsStream("/bad-input/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing corpus file bad-input/" + file);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Entry> entries = new ArrayList<>();
        String[] header = null;
        StringBuilder body = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("### ")) {
                add(entries, header, body);
                header = line.substring(4).trim().split("\\s+");
                body.setLength(0);
            } else if (line.startsWith("# ") || line.equals("#")) {
                continue;
            } else if (header != null) {
                body.append(line).append('\n');
            }
        }
        add(entries, header, body);
        return entries;
    }

    private static void add(List<Entry> entries, String[] header, StringBuilder body) {
        if (header == null) {
            return;
        }
        String text = body.toString();
        while (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        String kind = header.length > 2 && !header[2].equals("-") ? header[2] : null;
        entries.add(new Entry(header[0], Integer.parseInt(header[1]), kind, text));
    }
}
