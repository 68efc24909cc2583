package org.medshare.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.medshare.abe.AbeScheme;
import org.medshare.abe.EnvelopeWriter;
import org.medshare.abe.Policy;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.Suite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medshare encrypt}: hybrid ABE envelope of a file under a policy. */
@Command(
        name = "encrypt",
        mixinStandardHelpOptions = true,
        description = "Encrypt a file under an access policy with the authority's public parameters.")
final class EncryptCommand implements Callable<Integer> {
    @Option(names = "--params", required = true, paramLabel = "DIR/public.params", description = "public parameters")
    Path params;

    @Option(
            names = "--policy",
            required = true,
            paramLabel = "EXPR",
            description = "policy, e.g. \"(role:physician AND dept:cardiology) OR role:auditor\"")
    String policy;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "plaintext file")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "envelope to write")
    Path out;

    @Option(
            names = "--suite",
            paramLabel = "nist|gm",
            description = "symmetric suite (default: the one recorded in the public parameters)")
    String suite;

    @Override
    public Integer call() throws IOException {
        Policy p = Arguments.policy(policy);
        Suite explicit = suite == null ? null : Arguments.suite(suite);
        Files2.requireReadable(in, "input file");
        PublicParameters pp = Files2.params(params);
        Suite s = explicit == null ? pp.defaultSuite() : explicit;
        try (AtomicOutput o = AtomicOutput.open(out, false);
                InputStream is = Files2.withProgress(Files.newInputStream(in), Files.size(in), "encrypt")) {
            new EnvelopeWriter(AbeScheme.create(), pp, p, s).encrypt(is, o.stream());
            o.commit(true);
        }
        return 0;
    }
}
