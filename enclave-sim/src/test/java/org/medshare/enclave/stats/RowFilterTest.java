package org.medshare.enclave.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.medshare.enclave.rows.AgeBand;
import org.medshare.enclave.rows.AnalyticsRow;
import org.medshare.enclave.rows.Icd10;
import org.medshare.enclave.rows.RowLayout;
import org.medshare.enclave.rows.Sex;
import org.medshare.enclave.stats.QueryRefusedException.Reason;

/** Each filter of {@link RowFilter} at and beyond its boundaries, literal and bound, and the kernel on empty input. */
class RowFilterTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A row with everything but the named attribute fixed: age band 8, female, I10, 2024-05, hospital 3. */
    private static AnalyticsRow row(int ageBand, Sex sex, int[] icd, int month, int hospital) {
        return AnalyticsRow.of(42, ageBand, sex, icd, 10_000, 9_000, month, hospital);
    }

    private static AnalyticsRow row() {
        return row(8, Sex.FEMALE, new int[] {Icd10.encode("I10")}, 202405, 3);
    }

    private static RowFilter filter(String filterJson, String parametersJson, Map<String, Object> values)
            throws Exception {
        String t = "{\"id\": \"f\", \"version\": 1, \"purpose\": \"p\", \"parameters\": " + parametersJson
                + ", \"filter\": " + filterJson + ", \"aggregate\": {\"type\": \"count\"}}";
        QueryTemplate template = QueryTemplate.parse(t);
        Map<String, JsonNode> params = new LinkedHashMap<>();
        values.forEach((k, v) -> params.put(k, MAPPER.valueToTree(v)));
        template.checkParameters(params);
        return RowFilter.compile(template, params);
    }

    private static RowFilter filter(String filterJson) throws Exception {
        return filter(filterJson, "{}", Map.of());
    }

    private static boolean accepts(RowFilter f, AnalyticsRow r) {
        byte[] b = r.toBytes();
        return f.accepts(b, 0, RowLayout.packed(b, 0));
    }

    @Test
    void noFilterAcceptsEveryRowIncludingUnknownValues() throws Exception {
        RowFilter all = filter("{}");
        assertTrue(accepts(all, row()));
        assertTrue(accepts(all, row(AgeBand.UNKNOWN, Sex.UNKNOWN, new int[0], 190001, 0)));
        assertTrue(accepts(all, row(AgeBand.MAX_BAND, Sex.OTHER, new int[0], 207008, RowLayout.MAX_HOSPITAL)));
    }

    @Test
    void hospitalIsOneOfTheListed() throws Exception {
        RowFilter f = filter("{\"hospital\": [3, \"$h\"]}", "{\"h\": {\"type\": \"hospital\"}}", Map.of("h", 9));
        assertTrue(accepts(f, row(8, Sex.FEMALE, new int[0], 202405, 3)));
        assertTrue(accepts(f, row(8, Sex.FEMALE, new int[0], 202405, 9)));
        assertFalse(accepts(f, row(8, Sex.FEMALE, new int[0], 202405, 4)));
        assertFalse(accepts(f, row(8, Sex.FEMALE, new int[0], 202405, 0)));
        RowFilter single = filter("{\"hospital\": " + RowLayout.MAX_HOSPITAL + "}");
        assertTrue(accepts(single, row(8, Sex.FEMALE, new int[0], 202405, RowLayout.MAX_HOSPITAL)));
        assertFalse(accepts(single, row(8, Sex.FEMALE, new int[0], 202405, RowLayout.MAX_HOSPITAL - 1)));
    }

    @Test
    void ageBandIsWithinMinAndMaxInclusive() throws Exception {
        RowFilter f = filter(
                "{\"ageBand\": {\"min\": 4, \"max\": \"$a\"}}", "{\"a\": {\"type\": \"ageBand\"}}", Map.of("a", 6));
        assertFalse(accepts(f, row(3, Sex.FEMALE, new int[0], 202405, 3)));
        assertTrue(accepts(f, row(4, Sex.FEMALE, new int[0], 202405, 3)));
        assertTrue(accepts(f, row(6, Sex.FEMALE, new int[0], 202405, 3)));
        assertFalse(accepts(f, row(7, Sex.FEMALE, new int[0], 202405, 3)));
        assertFalse(accepts(f, row(AgeBand.UNKNOWN, Sex.FEMALE, new int[0], 202405, 3)), "unknown age is no band");
        RowFilter point = filter("{\"ageBand\": {\"min\": 0, \"max\": 0}}");
        assertTrue(accepts(point, row(0, Sex.FEMALE, new int[0], 202405, 3)));
        assertFalse(accepts(point, row(1, Sex.FEMALE, new int[0], 202405, 3)));
    }

    @Test
    void ageBandMinAboveMaxIsRefused() {
        QueryRefusedException e = assertThrows(
                QueryRefusedException.class,
                () -> filter(
                        "{\"ageBand\": {\"min\": \"$lo\", \"max\": \"$hi\"}}",
                        "{\"lo\": {\"type\": \"ageBand\"}, \"hi\": {\"type\": \"ageBand\"}}",
                        Map.of("lo", 5, "hi", 4)));
        assertEquals(Reason.PARAMETER_INVALID, e.reason());
        assertTrue(e.getMessage().contains("ageBand min is above max"), e.getMessage());
    }

    @Test
    void sexIsOneOfTheListed() throws Exception {
        RowFilter f = filter("{\"sex\": [\"female\", \"$s\"]}", "{\"s\": {\"type\": \"sex\"}}", Map.of("s", "other"));
        assertTrue(accepts(f, row(8, Sex.FEMALE, new int[0], 202405, 3)));
        assertTrue(accepts(f, row(8, Sex.OTHER, new int[0], 202405, 3)));
        assertFalse(accepts(f, row(8, Sex.MALE, new int[0], 202405, 3)));
        assertFalse(accepts(f, row(8, Sex.UNKNOWN, new int[0], 202405, 3)));
        RowFilter unknown = filter("{\"sex\": \"unknown\"}");
        assertTrue(accepts(unknown, row(8, Sex.UNKNOWN, new int[0], 202405, 3)));
        assertFalse(accepts(unknown, row(8, Sex.FEMALE, new int[0], 202405, 3)));
    }

    @Test
    void serviceMonthIsWithinFromAndToInclusive() throws Exception {
        RowFilter f = filter(
                "{\"serviceMonth\": {\"from\": \"$from\", \"to\": 202402}}",
                "{\"from\": {\"type\": \"month\"}}",
                Map.of("from", 202312));
        assertFalse(accepts(f, row(8, Sex.FEMALE, new int[0], 202311, 3)));
        assertTrue(accepts(f, row(8, Sex.FEMALE, new int[0], 202312, 3)));
        assertTrue(accepts(f, row(8, Sex.FEMALE, new int[0], 202401, 3)), "across the year boundary");
        assertTrue(accepts(f, row(8, Sex.FEMALE, new int[0], 202402, 3)));
        assertFalse(accepts(f, row(8, Sex.FEMALE, new int[0], 202403, 3)));
    }

    @Test
    void serviceMonthFromAfterToIsRefused() {
        QueryRefusedException e = assertThrows(
                QueryRefusedException.class,
                () -> filter(
                        "{\"serviceMonth\": {\"from\": \"$from\", \"to\": 202401}}",
                        "{\"from\": {\"type\": \"month\"}}",
                        Map.of("from", 202402)));
        assertEquals(Reason.PARAMETER_INVALID, e.reason());
        assertTrue(e.getMessage().contains("serviceMonth from is after to"), e.getMessage());
    }

    @Test
    void icdPrefixMatchesInAnySlotAndNothingOutsideThePrefix() throws Exception {
        RowFilter f =
                filter("{\"icd10Prefix\": \"$icd\"}", "{\"icd\": {\"type\": \"icd10Prefix\"}}", Map.of("icd", "E11"));
        int e11 = Icd10.encode("E11");
        int e119 = Icd10.encode("E11.9");
        int i10 = Icd10.encode("I10");
        assertTrue(accepts(f, row(8, Sex.FEMALE, new int[] {e11}, 202405, 3)), "the prefix itself");
        assertTrue(accepts(f, row(8, Sex.FEMALE, new int[] {e119}, 202405, 3)), "slot 0");
        assertTrue(accepts(f, row(8, Sex.FEMALE, new int[] {i10, e119}, 202405, 3)), "slot 1");
        assertTrue(accepts(f, row(8, Sex.FEMALE, new int[] {i10, i10, e119}, 202405, 3)), "slot 2");
        assertFalse(accepts(f, row(8, Sex.FEMALE, new int[] {i10}, 202405, 3)));
        assertFalse(
                accepts(f, row(8, Sex.FEMALE, new int[] {Icd10.encode("E10.9"), Icd10.encode("E12")}, 202405, 3)),
                "neighbours of the prefix");
        assertFalse(accepts(f, row(8, Sex.FEMALE, new int[0], 202405, 3)), "no code");
    }

    @Test
    void allFiltersMustHold() throws Exception {
        RowFilter f = filter("{\"hospital\": 3, \"ageBand\": {\"min\": 8, \"max\": 8}, \"sex\": \"female\", "
                + "\"serviceMonth\": {\"from\": 202405, \"to\": 202405}, \"icd10Prefix\": \"I\"}");
        assertTrue(accepts(f, row()));
        assertFalse(accepts(f, row(8, Sex.FEMALE, new int[] {Icd10.encode("I10")}, 202405, 2)));
        assertFalse(accepts(f, row(9, Sex.FEMALE, new int[] {Icd10.encode("I10")}, 202405, 3)));
        assertFalse(accepts(f, row(8, Sex.MALE, new int[] {Icd10.encode("I10")}, 202405, 3)));
        assertFalse(accepts(f, row(8, Sex.FEMALE, new int[] {Icd10.encode("I10")}, 202406, 3)));
        assertFalse(accepts(f, row(8, Sex.FEMALE, new int[] {Icd10.encode("J45")}, 202405, 3)));
    }

    @Test
    void regressionOnAgeBandDropsRowsOfUnknownAge() throws Exception {
        QueryTemplate ols = QueryTemplate.parse(
                "{\"id\": \"o\", \"version\": 1, \"purpose\": \"p\", "
                        + "\"aggregate\": {\"type\": \"ols\", \"y\": \"claim\", \"x\": [\"ageBand\"]}, \"privacy\": {\"dp\": \"none\"}}");
        RowFilter f = RowFilter.compile(ols, Map.of());
        assertTrue(accepts(f, row(AgeBand.MAX_BAND, Sex.FEMALE, new int[0], 202405, 3)));
        assertFalse(accepts(f, row(AgeBand.UNKNOWN, Sex.FEMALE, new int[0], 202405, 3)));
        QueryTemplate noAge = QueryTemplate.parse(
                "{\"id\": \"o\", \"version\": 1, \"purpose\": \"p\", "
                        + "\"aggregate\": {\"type\": \"ols\", \"y\": \"claim\", \"x\": [\"payment\"]}, \"privacy\": {\"dp\": \"none\"}}");
        assertTrue(
                accepts(RowFilter.compile(noAge, Map.of()), row(AgeBand.UNKNOWN, Sex.FEMALE, new int[0], 202405, 3)));
    }

    @Test
    void emptyInputLeavesEveryGroupEmpty() throws Exception {
        RowAggregator agg = RowAggregator.create(
                QueryTemplate.parse("{\"id\": \"c\", \"version\": 1, \"purpose\": \"p\", "
                        + "\"groupBy\": [\"sex\"], \"aggregate\": {\"type\": \"count\"}}"),
                Map.of());
        agg.startRecord(true);
        agg.consume(new byte[RowLayout.ROW_BYTES], 0);
        agg.endRecord();
        assertEquals(0, agg.rowsSeen());
        for (int g = 0; g < agg.groupCount(); g++) {
            assertEquals(0, agg.count[g]);
            assertEquals(0, agg.distinctPatients(g).length);
        }
    }

    @Test
    void filteredRowsAreNotCountedAndPassingOnesAre() throws Exception {
        RowAggregator agg = RowAggregator.create(
                QueryTemplate.parse("{\"id\": \"c\", \"version\": 1, \"purpose\": \"p\", "
                        + "\"filter\": {\"sex\": \"male\"}, \"aggregate\": {\"type\": \"count\"}, "
                        + "\"privacy\": {\"maxRowsPerPatient\": 10}}"),
                Map.of());
        byte[] buf = new byte[3 * RowLayout.ROW_BYTES];
        AnalyticsRow.of(1, 8, Sex.MALE, new int[0], 1, 1, 202401, 1).writeTo(buf, 0);
        AnalyticsRow.of(2, 8, Sex.FEMALE, new int[0], 1, 1, 202401, 1).writeTo(buf, RowLayout.ROW_BYTES);
        AnalyticsRow.of(3, 8, Sex.MALE, new int[0], 1, 1, 202401, 1).writeTo(buf, 2 * RowLayout.ROW_BYTES);
        agg.startRecord(true);
        agg.consume(buf, 3);
        agg.endRecord();
        assertEquals(3, agg.rowsSeen());
        assertEquals(2, agg.count[0]);
        assertEquals(2, agg.distinctPatients(0).length);
    }
}
