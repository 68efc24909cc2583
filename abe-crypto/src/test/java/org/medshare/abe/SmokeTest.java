package org.medshare.abe;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void roundTrip() throws Exception {
    AbeScheme s = AbeScheme.create();
    MasterKey msk = s.setup(Suite.NIST);
    UserKey uk = s.keygen(msk, List.of("role:physician", "dept:cardiology"));
    for (String pol : List.of("role:physician", "role:physician AND dept:cardiology",
        "(role:physician AND dept:cardiology) OR role:auditor", "2 of (role:physician, dept:cardiology, x:y)",
        "role:physician and role:physician")) {
      Encapsulation e = s.encapsulate(msk.publicParameters(), Policy.parse(pol));
      SecretBytes k = s.decapsulate(uk, Ciphertext.parse(e.ciphertext().toBytes()));
      UserKey other = s.keygen(msk, List.of("role:nurse"));
      assertThrows(DecryptionFailedException.class, () -> s.decapsulate(other, e.ciphertext()));
      UserKey stranger = s.keygen(s.setup(Suite.NIST), List.of("role:physician", "dept:cardiology"));
      assertFalse(s.decapsulate(stranger, e.ciphertext()).equalsSecretBytes(e.key()));
      assertTrue(k.equalsSecretBytes(e.key()), pol);
    }
  }

  @Test
  void envelope() throws Exception {
    AbeScheme s = AbeScheme.create();
    MasterKey msk = s.setup(Suite.NIST);
    UserKey uk = s.keygen(msk, List.of("role:physician", "dept:cardiology"));
    for (Suite suite : Suite.values()) {
      for (int size : new int[] {0, 1, 1023, 1024, 1025, 5000}) {
        byte[] pt = new byte[size];
        new java.util.Random(size).nextBytes(pt);
        byte[] env = new byte[0];
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        new EnvelopeWriter(s, msk.publicParameters(), Policy.parse("role:physician"), suite, 10)
            .encrypt(new java.io.ByteArrayInputStream(pt), bo);
        env = bo.toByteArray();
        assertArrayEquals(pt, Envelope.decrypt(uk, env));
        assertEquals(suite, Envelope.inspect(new java.io.ByteArrayInputStream(env)).suite());
      }
    }
  }
}
