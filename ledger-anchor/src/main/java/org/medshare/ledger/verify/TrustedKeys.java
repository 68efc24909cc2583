package org.medshare.ledger.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.checkpoint.NoteVerifier;

/**
 * Reads verifier key files: one {@code <name>+<keyid hex>+<base64>} line per key (see
 * {@link NoteVerifier#encode()}); blank lines and lines starting with {@code #} are ignored.
 */
public final class TrustedKeys {
    private TrustedKeys() {}

    public static List<NoteVerifier> read(Path file) throws IOException, GeneralSecurityException {
        List<NoteVerifier> out = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            try {
                out.add(NoteKeys.parseVerifier(l));
            } catch (GeneralSecurityException e) {
                throw new GeneralSecurityException(file.getFileName() + " line " + n + ": " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new GeneralSecurityException(file.getFileName() + " contains no verifier key");
        }
        return out;
    }

    /** Writes keys in the format {@link #read} accepts. */
    public static void write(Path file, List<NoteVerifier> keys) throws IOException {
        List<String> lines = new ArrayList<>();
        for (NoteVerifier k : keys) {
            lines.add(k.encode());
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
