package org.medshare.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.medshare.abe.DecryptionFailedException;
import org.medshare.abe.EnvelopeReader;
import org.medshare.abe.UserKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medshare decrypt}: opens an envelope with a user key; exit 1 and no output on any failure. */
@Command(name = "decrypt", mixinStandardHelpOptions = true, description = "Decrypt an envelope with a user key.")
final class DecryptCommand implements Callable<Integer> {
    @Option(names = "--key", required = true, paramLabel = "KEYFILE", description = "user key file")
    Path key;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "envelope")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "plaintext to write")
    Path out;

    @Override
    public Integer call() throws IOException {
        Files2.requireReadable(in, "input file");
        UserKey k = Files2.userKey(key);
        try (AtomicOutput o = AtomicOutput.open(out, false);
                InputStream is = Files2.withProgress(Files.newInputStream(in), Files.size(in), "decrypt")) {
            try {
                new EnvelopeReader(k).decrypt(is, o.stream());
            } catch (DecryptionFailedException e) {
                throw CliFailure.verification(e.getMessage()
                        + " (key does not satisfy the policy, or the file is damaged or not an envelope)");
            }
            o.commit(true);
        }
        return 0;
    }
}
