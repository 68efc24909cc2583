package org.medshare.enclave.attest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.enclave.TcbLevel;

class SimRootCaTest {
    @Test
    void persistsAndReloadsTheSameRoot(@TempDir Path dir) throws Exception {
        SimRootCa a = SimRootCa.loadOrCreate(dir, Clock.systemUTC());
        SimRootCa b = SimRootCa.loadOrCreate(dir, Clock.systemUTC());
        assertEquals(a.certificate(), b.certificate());
        assertTrue(a.certificate().getSubjectX500Principal().getName().contains("SIMULATED"));
        SimPlatform p = SimPlatform.generate("reload", TcbLevel.UP_TO_DATE, Clock.systemUTC());
        p.provision(b.certifyPlatform(p.publicKey(), "reload"), a.certificate());
        assertTrue(Files.exists(dir.resolve("simroot.key")));
    }

    @Test
    void platformRefusesACertificateForAnotherKeyOrFromAnotherRoot() throws Exception {
        SimRootCa root = SimRootCa.create(Clock.systemUTC());
        SimPlatform p = SimPlatform.generate("p", TcbLevel.UP_TO_DATE, Clock.systemUTC());
        SimPlatform other = SimPlatform.generate("p", TcbLevel.UP_TO_DATE, Clock.systemUTC());
        assertThrows(
                GeneralSecurityException.class,
                () -> p.provision(root.certifyPlatform(other.publicKey(), "p"), root.certificate()));
        SimRootCa foreign = SimRootCa.create(Clock.systemUTC());
        assertThrows(
                GeneralSecurityException.class,
                () -> p.provision(foreign.certifyPlatform(p.publicKey(), "p"), root.certificate()));
        assertThrows(IllegalArgumentException.class, () -> root.certifyPlatform(p.publicKey(), "bad id!"));
    }
}
