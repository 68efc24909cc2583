package org.medshare.ledger.event;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class EventCodecTest {
    static byte[] h(int seed) {
        byte[] b = new byte[32];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** One valid event of every type, with deterministic values. */
    static Event sample(EventType t, long ts) {
        Event.Builder b = Event.builder(t).timestamp(ts);
        int i = 0;
        for (Field f : t.fields()) {
            i++;
            switch (f.kind()) {
                case ID -> b.id(f, f.name().toLowerCase() + "-" + i);
                case HASH -> b.hash(f, h(i + t.code() * 100));
                case AMOUNT -> b.amount(f, 1000L * i);
                case DATA ->
                    b.data(
                            f,
                            switch (f) {
                                case RULES -> DataUseRules.encode(List.of("purpose-" + i + "/*"));
                                case LIMITS ->
                                    new HospitalDisclosureLimits(
                                                    10 + i,
                                                    OptionalLong.of(500_000),
                                                    3,
                                                    true,
                                                    List.of("count", "mean"),
                                                    List.of())
                                            .encode();
                                default -> Arrays.copyOf(h(i + t.code() * 100), 40 + i);
                            });
            }
        }
        return b.build();
    }

    @Test
    void everyTypeRoundTripsCanonically() throws Exception {
        for (EventType t : EventType.values()) {
            Event e = sample(t, 1_764_000_000_000L);
            byte[] enc = EventCodec.encode(e);
            assertEquals(1, enc[0], "version byte");
            assertEquals(t.code(), enc[1]);
            Event back = EventCodec.decode(enc);
            assertEquals(e, back);
            assertArrayEquals(enc, EventCodec.encode(back));
        }
    }

    @Test
    void knownAnswerEncodingOfAnUpload() {
        byte[] zero = new byte[32];
        byte[] ones = new byte[32];
        Arrays.fill(ones, (byte) 1);
        Event e = Event.upload(1L, "h1", "r9", zero, ones);
        assertEquals(
                "01" + "01" + "0000000000000001" + "02" + "6831" + "02" + "7239" + "00".repeat(32) + "01".repeat(32),
                HexFormat.of().formatHex(EventCodec.encode(e)));
    }

    @Test
    void knownAnswerEncodingOfAnAnchor() {
        byte[] tx = new byte[32];
        Arrays.fill(tx, (byte) 0xaa);
        byte[] root = new byte[32];
        Arrays.fill(root, (byte) 0xbb);
        Event e = Event.anchored(2L, 1337, "0x" + "cd".repeat(20), tx, 9, 41, root);
        assertEquals(
                "01" + "0c" + "0000000000000002" + "0000000000000539" + "2a"
                        + HexFormat.of().formatHex(("0x" + "cd".repeat(20)).getBytes()) + "aa".repeat(32)
                        + "0000000000000009" + "0000000000000029"
                        + "bb".repeat(32),
                HexFormat.of().formatHex(EventCodec.encode(e)));
    }

    @Test
    void knownAnswerEncodingsOfASigningKeyRevocationAndADataUseRuleChange() {
        Event revoked = Event.builder(EventType.SIGNING_KEY_REVOKED)
                .timestamp(3L)
                .id(Field.ACTOR, "h1")
                .id(Field.KEY_ID, "ab")
                .build();
        assertEquals(
                "01" + "0e" + "0000000000000003" + "02" + "6831" + "02" + "6162",
                HexFormat.of().formatHex(EventCodec.encode(revoked)));
        Event rules = Event.builder(EventType.DATA_USE_RULES_CHANGED)
                .timestamp(4L)
                .id(Field.ACTOR, "h1")
                .data(Field.RULES, DataUseRules.encode(List.of("r/*", "a/t")))
                .build();
        assertEquals(
                "01" + "0f" + "0000000000000004" + "02" + "6831" + "0000000d"
                        + HexFormat.of().formatHex("[\"a/t\",\"r/*\"]".getBytes()),
                HexFormat.of().formatHex(EventCodec.encode(rules)));
    }

    @Test
    void disclosureLimitsHaveOneEncodingAndOthersAreRefused() throws Exception {
        HospitalDisclosureLimits limits = new HospitalDisclosureLimits(
                20, OptionalLong.empty(), 3, true, List.of("mean", "count", "mean"), List.of("sex", "claim"));
        String canonical = "{\"minGroupSize\":20,\"maxEpsilonMicros\":null,\"maxRowsPerPatient\":3,"
                + "\"noiseRequired\":true,\"allowedAggregates\":[\"count\",\"mean\"],"
                + "\"allowedFields\":[\"claim\",\"sex\"]}";
        assertEquals(canonical, new String(limits.encode()));
        assertEquals(limits, HospitalDisclosureLimits.decode(canonical.getBytes()));
        HospitalDisclosureLimits bounded =
                new HospitalDisclosureLimits(2, OptionalLong.of(0), 1000, false, List.of(), List.of());
        assertEquals(bounded, HospitalDisclosureLimits.decode(bounded.encode()));
        assertThrows(
                IllegalArgumentException.class,
                () -> new HospitalDisclosureLimits(1, OptionalLong.empty(), 1, false, List.of(), List.of()));
        assertThrows(
                IllegalArgumentException.class,
                () -> new HospitalDisclosureLimits(2, OptionalLong.empty(), 1, false, List.of("a b"), List.of()));
        Map<String, String> refused = new TreeMap<>();
        refused.put("empty", "");
        refused.put("whitespace", canonical.replace(",\"maxRowsPerPatient", ", \"maxRowsPerPatient"));
        refused.put("unsorted-aggregates", canonical.replace("\"count\",\"mean\"", "\"mean\",\"count\""));
        refused.put("repeated-field", canonical.replace("\"claim\",\"sex\"", "\"sex\",\"sex\""));
        refused.put("leading-zero", canonical.replace(":20,", ":020,"));
        refused.put("k-1", canonical.replace(":20,", ":1,"));
        refused.put("rows-0", canonical.replace("\"maxRowsPerPatient\":3", "\"maxRowsPerPatient\":0"));
        refused.put(
                "keys-reordered",
                canonical.replace(
                        "\"minGroupSize\":20,\"maxEpsilonMicros\":null",
                        "\"maxEpsilonMicros\":null,\"minGroupSize\":20"));
        refused.put("epsilon-overflow", canonical.replace("null", "99999999999999999999"));
        refused.put("unquoted-name", canonical.replace("\"claim\"", "claim"));
        refused.put("trailing", canonical + " ");
        List<String> accepted = new ArrayList<>();
        for (Map.Entry<String, String> bad : refused.entrySet()) {
            try {
                HospitalDisclosureLimits.decode(bad.getValue().getBytes());
                accepted.add(bad.getKey());
            } catch (MalformedEventException expected) {
                // refused as it must be
            }
        }
        assertEquals(List.of(), accepted);
    }

    @Test
    void dataUseRulesHaveOneEncodingAndOthersAreRefused() throws Exception {
        assertEquals("[]", new String(DataUseRules.encode(List.of())));
        assertEquals(List.of("a/*", "b/t-1"), DataUseRules.decode(DataUseRules.encode(List.of("b/t-1", "a/*", "a/*"))));
        String pinned = "a/sha256:" + "0f".repeat(32);
        assertEquals(List.of("a/*", pinned), DataUseRules.decode(DataUseRules.encode(List.of(pinned, "a/*"))));
        assertThrows(IllegalArgumentException.class, () -> DataUseRules.encode(List.of("no-slash")));
        assertThrows(IllegalArgumentException.class, () -> DataUseRules.encode(List.of("a/sha256:" + "0F".repeat(32))));
        for (String bad : List.of(
                "",
                "[",
                "[\"b/*\",\"a/*\"]",
                "[\"a/*\",\"a/*\"]",
                "[\"a/*\" ]",
                "[a/*]",
                "[\"a/*\",]",
                "[\"a/sha256:" + "0f".repeat(31) + "\"]")) {
            assertThrows(MalformedEventException.class, () -> DataUseRules.decode(bad.getBytes()), bad);
        }
    }

    @Test
    void refusesNonCanonicalOrUnknownInput() {
        byte[] good = EventCodec.encode(sample(EventType.COMPUTE, 5));
        byte[] v2 = good.clone();
        v2[0] = 2;
        assertTrue(assertThrows(MalformedEventException.class, () -> EventCodec.decode(v2))
                .getMessage()
                .contains("version"));
        byte[] unknownType = good.clone();
        unknownType[1] = 99;
        assertThrows(MalformedEventException.class, () -> EventCodec.decode(unknownType));
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertTrue(assertThrows(MalformedEventException.class, () -> EventCodec.decode(trailing))
                .getMessage()
                .contains("trailing"));
        assertThrows(MalformedEventException.class, () -> EventCodec.decode(Arrays.copyOf(good, good.length - 1)));
        byte[] negTs = good.clone();
        negTs[2] = (byte) 0x80;
        assertThrows(MalformedEventException.class, () -> EventCodec.decode(negTs));
        byte[] badId = good.clone();
        badId[11] = ' ';
        assertThrows(MalformedEventException.class, () -> EventCodec.decode(badId));
        assertThrows(MalformedEventException.class, () -> EventCodec.decode(new byte[0]));
    }

    @Test
    void dataFieldLengthIsPrefixedAndChecked() throws Exception {
        byte[] call = {1, 2, 3};
        Event e = Event.contractCall(7L, "insurer-x", call, new byte[32]);
        byte[] enc = EventCodec.encode(e);
        int at = 2 + 8 + 1 + "insurer-x".length();
        assertEquals("0000000301" + "0203", HexFormat.of().formatHex(enc, at, at + 7));
        assertArrayEquals(call, EventCodec.decode(enc).data(Field.CALL_DATA));

        byte[] longer = enc.clone();
        longer[at + 3] = 4;
        assertThrows(MalformedEventException.class, () -> EventCodec.decode(longer), "length beyond the input");
        byte[] empty = enc.clone();
        empty[at + 3] = 0;
        assertThrows(MalformedEventException.class, () -> EventCodec.decode(empty), "zero-length data");
        byte[] huge = enc.clone();
        huge[at] = (byte) 0x80;
        assertTrue(
                assertThrows(MalformedEventException.class, () -> EventCodec.decode(huge))
                        .getMessage()
                        .contains("out of range"),
                "length above MAX_DATA_LENGTH");
        assertThrows(
                IllegalArgumentException.class,
                () -> Event.contractCall(1, "a", new byte[Event.MAX_DATA_LENGTH + 1], new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> Event.contractCall(1, "a", new byte[0], new byte[32]));
    }

    @Test
    void builderRefusesFreeTextMissingAndForeignFields() {
        assertThrows(
                IllegalArgumentException.class,
                () -> Event.builder(EventType.ACCESS).id(Field.ACTOR, "John Smith"));
        assertThrows(
                IllegalArgumentException.class,
                () -> Event.builder(EventType.ACCESS).id(Field.ACTOR, "x".repeat(129)));
        assertThrows(
                IllegalArgumentException.class,
                () -> Event.builder(EventType.ACCESS).id(Field.PAYER, "p"));
        assertThrows(
                IllegalArgumentException.class,
                () -> Event.builder(EventType.UPLOAD).hash(Field.CONTENT_HASH, new byte[31]));
        assertThrows(
                IllegalArgumentException.class,
                () -> Event.builder(EventType.PAYMENT).amount(Field.AMOUNT, -1));
        assertThrows(
                IllegalStateException.class,
                () -> Event.builder(EventType.ACCESS)
                        .timestamp(1)
                        .id(Field.ACTOR, "a")
                        .build());
        assertThrows(
                IllegalArgumentException.class,
                () -> Event.builder(EventType.ACCESS).id(Field.ACTOR, "a").id(Field.ACTOR, "b"));
    }

    @Test
    void saltedHashDependsOnSaltAndLabel() {
        byte[] salt1 = h(1);
        byte[] salt2 = h(2);
        byte[] v = "patient-123".getBytes();
        assertFalse(Arrays.equals(SaltedHash.of("subject", salt1, v), SaltedHash.of("subject", salt2, v)));
        assertFalse(Arrays.equals(SaltedHash.of("subject", salt1, v), SaltedHash.of("attrs", salt1, v)));
        assertArrayEquals(SaltedHash.of("subject", salt1, v), SaltedHash.of("subject", salt1, v));
        assertThrows(IllegalArgumentException.class, () -> SaltedHash.of("subject", new byte[8], v));
    }
}
