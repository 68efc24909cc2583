package org.medshare.client.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    private static Map<String, KeyPair> grantKeys;

    private TestAuthority() {}

    /** The running enclaves, started on first use and stopped when the JVM exits. */
    public static synchronized EmbeddedEnclaves enclaves() {
        if (enclaves == null) {
            try {
                KeyPairGenerator ed25519 = KeyPairGenerator.getInstance("Ed25519");
                approver = ed25519.generateKeyPair();
                grantKeys = Map.of("hospital-a", ed25519.generateKeyPair(), "hospital-b", ed25519.generateKeyPair());
                Map<String, List<PublicKey>> grantors = new TreeMap<>();
                grantKeys.forEach((org, key) -> grantors.put(org, List.of(key.getPublic())));
                Path dir = Files.createTempDirectory("medshare-test-authority");
                enclaves = EmbeddedEnclaves.start(
                        dir, new TrustedParties(List.of(approver.getPublic()), grantors), 1, Suite.NIST);
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

    /** The regulator's key the authority honours query approvals from. */
    public static synchronized KeyPair approver() {
        enclaves();
        return approver;
    }

    /** The grant key the authority honours {@code organisation}'s (hospital-a, hospital-b) key grants from. */
    public static synchronized KeyPair grantKey(String organisation) {
        enclaves();
        return grantKeys.get(organisation);
    }

    /** Writes {@code key} as a party key file (PKCS#8, as {@code medshare party keygen} does) to {@code file}. */
    public static Path writeKey(KeyPair key, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, key.getPrivate().getEncoded());
        return file;
    }

    /** Writes the authority's trust file (what the operator hands to hospitals) to {@code file}. */
    public static void writeTrust(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, enclaves().authorityTrust().format());
    }
}
