package org.medshare.client.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.medshare.client.CliFailure;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.verify.TrustedKeys;

/** The consortium members' checkpoint verifier keys given with {@code --keys FILE...}. */
public final class MemberKeys {
    private MemberKeys() {}

    /**
     * Every key in {@code files} (one {@code <name>+<keyid hex>+<base64>} per line), each once, in file order.
     *
     * @throws CliFailure a usage error naming the file that is unreadable or holds a malformed key
     */
    public static List<NoteVerifier> read(List<Path> files) {
        Map<String, NoteVerifier> keys = new LinkedHashMap<>();
        for (Path f : files) {
            if (!Files.isReadable(f)) {
                throw CliFailure.usage("--keys " + f + " is not readable");
            }
            try {
                for (NoteVerifier v : TrustedKeys.read(f)) {
                    keys.putIfAbsent(v.encode(), v);
                }
            } catch (GeneralSecurityException | IOException e) {
                throw CliFailure.usage("--keys " + f + ": " + e.getMessage());
            }
        }
        return List.copyOf(keys.values());
    }
}
