package org.medshare.enclave;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** Shared fixtures: a vendor key, the enclave's real code set, and class-file tampering. */
public final class TestEnclaves {
    public static final int PRODUCT_ID = 7;
    public static final EnclaveConfig CONFIG = EnclaveConfig.release(Map.of("purpose", "unit-test"));

    private TestEnclaves() {}

    public static KeyPair newVendorKey() throws GeneralSecurityException {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    /** The directory (target/classes) holding the enclave's main classes. */
    public static Path mainClasses() {
        return CodeSet.locationOf(CodeSet.class);
    }

    /**
     * Copies the main class directory to {@code dest} and flips the case of one ASCII letter inside
     * a string constant of {@code className}, leaving a loadable class with different bytes.
     */
    public static Path tamperedCopy(Path dest, String classFile, String constant) throws IOException {
        Path src = mainClasses();
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path target = dest.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        Path victim = dest.resolve(classFile);
        byte[] b = Files.readAllBytes(victim);
        byte[] needle = constant.getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(b, needle);
        if (at < 0) {
            throw new IllegalStateException("constant not found in " + classFile);
        }
        b[at] = (byte) (Character.isUpperCase(b[at]) ? Character.toLowerCase(b[at]) : Character.toUpperCase(b[at]));
        Files.write(victim, b);
        return dest;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    public static CodeSet codeSetOf(Path classes) {
        return CodeSet.scan(CodeSet.runningLocations(classes));
    }
}
