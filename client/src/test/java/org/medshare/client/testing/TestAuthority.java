package org.medshare.client.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import org.medshare.abe.Suite;
import org.medshare.enclave.host.EmbeddedEnclaves;
import org.medshare.enclave.keyrelease.TrustedParties;

/**
 * A real simulated key-authority enclave (and worker) for the CLI tests, started once per test JVM in a
 * temporary platform directory, so that what the test double relays is genuinely attested and signed.
 */
public final class TestAuthority {
    private static EmbeddedEnclaves enclaves;
    private static KeyPair approver;

    private TestAuthority() {}

    /** The running enclaves, started on first use and stopped when the JVM exits. */
    public static synchronized EmbeddedEnclaves enclaves() {
        if (enclaves == null) {
            try {
                approver = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                Path dir = Files.createTempDirectory("medshare-test-authority");
                enclaves = EmbeddedEnclaves.start(
                        dir, new TrustedParties(List.of(approver.getPublic()), Map.of()), 1, Suite.NIST);
                EmbeddedEnclaves started = enclaves;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (IOException ignored) {
                        // the JVM is exiting
                    }
                }));
            } catch (Exception e) {
                throw new IllegalStateException("the test key authority did not start", e);
            }
        }
        return enclaves;
    }

    /** The key the authority honours grants from. */
    public static synchronized KeyPair approver() {
        enclaves();
        return approver;
    }

    /** Writes the authority's trust file (what the operator hands to hospitals) to {@code file}. */
    public static void writeTrust(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, enclaves().authorityTrust().format());
    }
}
