package org.medshare.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnerUsageTest {
    private final OwnerUsage usage = new OwnerUsage(owner -> owner.equals("small") ? 100 : Long.MAX_VALUE);

    @Test
    void reservationsAndChargesAddUpToTheUsage() throws QuotaExceededException {
        usage.reserve("small", 60);
        usage.charge("small", 30);
        assertEquals(90, usage.usage("small"));
        usage.release("small", 60);
        assertEquals(30, usage.usage("small"));
        usage.charge("small", -30);
        assertEquals(0, usage.usage("small"));
        assertEquals(0, usage.usage("nobody"));
    }

    @Test
    void aReservationBeyondTheLimitIsRefusedAndChangesNothing() throws QuotaExceededException {
        usage.reserve("small", 70);
        QuotaExceededException e = assertThrows(QuotaExceededException.class, () -> usage.reserve("small", 31));
        assertEquals(70, usage.usage("small"));
        assertEquals(100, e.limitBytes());
        assertEquals(101, e.requiredBytes());
        usage.reserve("small", 30);
        assertEquals(100, usage.usage("small"), "exactly the limit is allowed");
    }

    @Test
    void aReservationThatWouldOverflowIsRefused() throws QuotaExceededException {
        usage.reserve("big", Long.MAX_VALUE - 1);
        assertThrows(QuotaExceededException.class, () -> usage.reserve("big", 2));
        assertEquals(Long.MAX_VALUE - 1, usage.usage("big"));
    }

    @Test
    void anEntryChargesEveryReferenceOfEveryOwner() {
        Cid cid = Cid.of(new byte[] {1});
        Manifest.ShardRef ref = new Manifest.ShardRef(cid, "node");
        Manifest m = new Manifest(cid, 1, 1, 2, 10, List.of(List.of(ref, ref)));
        CatalogEntry entry = new CatalogEntry(m, Map.of("a", 2, "b", 1), null);
        usage.chargeReferences(entry, +1);
        assertEquals(2 * m.storedBytes(), usage.usage("a"));
        assertEquals(m.storedBytes(), usage.usage("b"));
        usage.chargeReferences(entry, -1);
        assertEquals(0, usage.usage("a"));
        assertEquals(0, usage.usage("b"));
    }
}
