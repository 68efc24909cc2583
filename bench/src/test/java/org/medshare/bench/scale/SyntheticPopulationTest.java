package org.medshare.bench.scale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medshare.enclave.rows.AnalyticsRow;
import org.medshare.enclave.rows.PseudonymKey;
import org.medshare.enclave.rows.RowExtractor;

class SyntheticPopulationTest {
    static final Path SAMPLES = Path.of("../sample-data/fhir");
    static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    static PseudonymKey key;
    static SyntheticPopulation population;
    /** Orders a record's rows by what re-identifying and re-dating keep, so that copies compare row by row. */
    static final Comparator<AnalyticsRow> SAME_CONTENT_FIRST = Comparator.comparingInt(AnalyticsRow::claimCents)
            .thenComparingInt(AnalyticsRow::paymentCents)
            .thenComparing(r -> Arrays.toString(r.icdCodes()));

    static int templates;

    @BeforeAll
    static void load() throws Exception {
        key = PseudonymKey.of(new byte[32]);
        population = SyntheticPopulation.of(SAMPLES, 10 * 1024 - 64, 42, "t");
        templates = population.templates();
        assertTrue(templates >= 20, "the sample bundles give " + templates + " cuts");
    }

    @Test
    void theSameSeedAndIndexGiveTheSameRecordAndAnotherSeedAnother() throws Exception {
        SyntheticPopulation again = SyntheticPopulation.of(SAMPLES, 10 * 1024 - 64, 42, "t");
        SyntheticPopulation other = SyntheticPopulation.of(SAMPLES, 10 * 1024 - 64, 43, "t");
        for (long i : new long[] {0, 7, templates + 3L, 5L * templates + 1}) {
            assertArrayEquals(population.record(i), again.record(i));
            assertFalse(new String(population.record(i), StandardCharsets.UTF_8)
                    .equals(new String(other.record(i), StandardCharsets.UTF_8)));
        }
    }

    @Test
    void everyCopyMapsToRowsOfItsOwnPatientsWithTheSameAgesAndEarlierMonths() throws Exception {
        List<byte[]> samples = SyntheticPopulation.mappedCuts(SAMPLES, 10 * 1024 - 64);
        assertEquals(templates, samples.size());
        List<AnalyticsRow> sampleRows = new ArrayList<>();
        for (byte[] cut : samples) {
            sampleRows.addAll(sorted(RowExtractor.shared().extract(new String(cut, StandardCharsets.UTF_8), 1, key)));
        }
        Set<Long> samplePatients = patients(sampleRows);
        List<Set<Long>> earlier = new ArrayList<>(List.of(samplePatients));
        boolean moved = false;
        for (int copy = 0; copy < 3; copy++) {
            List<AnalyticsRow> rows = new ArrayList<>();
            for (int t = 0; t < templates; t++) {
                List<AnalyticsRow> recordRows = rows((long) copy * templates + t);
                assertFalse(recordRows.isEmpty(), "record " + (copy * templates + t) + " maps to rows");
                rows.addAll(sorted(recordRows));
            }
            assertEquals(sampleRows.size(), rows.size(), "re-dating drops no row");
            Set<Long> copyPatients = patients(rows);
            assertEquals(samplePatients.size(), copyPatients.size(), "a sample patient stays one patient");
            for (Set<Long> other : earlier) {
                assertTrue(copyPatients.stream().noneMatch(other::contains), "copy " + copy + " shares a patient");
            }
            earlier.add(copyPatients);
            for (int r = 0; r < rows.size(); r++) {
                AnalyticsRow original = sampleRows.get(r);
                AnalyticsRow copied = rows.get(r);
                assertEquals(original.ageBand(), copied.ageBand(), "ages at service are kept");
                assertEquals(original.claimCents(), copied.claimCents());
                assertTrue(
                        copied.serviceMonth() <= original.serviceMonth(),
                        "dates only move back: " + original + " -> " + copied);
                moved |= copied.serviceMonth() != original.serviceMonth();
            }
        }
        assertTrue(moved, "the copies are re-dated");
        assertTrue(samplePatients.size() < templates, "several records per synthetic patient");
    }

    static List<AnalyticsRow> sorted(List<AnalyticsRow> rows) {
        List<AnalyticsRow> out = new ArrayList<>(rows);
        out.sort(SAME_CONTENT_FIRST);
        return out;
    }

    static Set<Long> patients(List<AnalyticsRow> rows) {
        Set<Long> out = new HashSet<>();
        rows.forEach(r -> out.add(r.patientPseudonym()));
        return out;
    }

    @Test
    void noIdentifierOfTheSamplesSurvivesInALaterCopy() throws Exception {
        for (int t = 0; t < templates; t++) {
            Set<String> original = uuids(population.record(t));
            Set<String> copy = uuids(population.record(templates + t));
            assertFalse(original.isEmpty());
            Set<String> kept = new HashSet<>(copy);
            kept.retainAll(original);
            assertTrue(kept.isEmpty(), "record " + (templates + t) + " keeps " + kept);
        }
    }

    @Test
    void aNegativeIndexIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> population.record(-1));
    }

    static List<AnalyticsRow> rows(long i) throws Exception {
        return RowExtractor.shared().extract(new String(population.record(i), StandardCharsets.UTF_8), 1, key);
    }

    static Set<String> uuids(byte[] record) {
        Matcher m = UUID_TEXT.matcher(new String(record, StandardCharsets.UTF_8));
        Set<String> out = new HashSet<>();
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
