package org.medshare.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.medshare.bench.client.UploadPrepareBench;
import org.medshare.enclave.rows.PseudonymKey;
import org.medshare.enclave.rows.RowExtractionException;
import org.medshare.enclave.rows.RowExtractor;

/**
 * Any number of distinct synthetic records, made from the sample bundles: each record is one encounter cut of a
 * sample patient ({@link UploadPrepareBench#smallBundles}, at most {@code maxBytes}, only cuts whose rows the
 * extractor maps), <em>re-identified</em> and <em>re-dated</em> so that it belongs to a patient no other copy has.
 *
 * <p>Record {@code i} is cut {@code i mod T} (T cuts) of copy {@code c = i / T}. Within one copy every identifier that
 * is a UUID (resource ids, {@code urn:uuid:} full URLs and references, the Synthea patient identifier, which the row
 * extractor pseudonymises) is replaced by a name-based UUID of (seed, copy, old UUID), and every date and date-time is
 * moved back by the same whole number of months, 0 to {@value #MAX_SHIFT_MONTHS}, drawn from (seed, copy) (the day of
 * month is kept, or the month's last day when it has fewer); times of day and offsets are kept. Whole months keep every
 * age at service (the row schema's age on the first day of the service month) exactly, so the cuts of one sample
 * patient stay one synthetic patient with several records, ages at service stay the same, and two copies share no patient, encounter or claim. The bundle id is {@code tag-i}.
 *
 * <p>Deterministic: the same samples, seed and index give the same bytes, so a population need not be stored, and a
 * cached one can be checked. Nothing here is real patient data: the samples are Synthea output.
 */
public final class SyntheticPopulation {
    static final int MAX_SHIFT_MONTHS = 120;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern DATE_TEXT =
            Pattern.compile("(\\d{4}-\\d{2}-\\d{2})((T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?)(Z|[+-]\\d{2}:\\d{2})?)?");

    private final List<ObjectNode> cuts;
    private final long seed;
    private final String tag;

    private SyntheticPopulation(List<ObjectNode> cuts, long seed, String tag) {
        this.cuts = cuts;
        this.seed = seed;
        this.tag = tag;
    }

    /**
     * The population drawn from the bundles under {@code samples}.
     *
     * @param maxBytes the largest cut kept, in bytes (a record grows by a few bytes at most when re-identified)
     * @param tag      prefix of every bundle id
     * @throws IllegalArgumentException if no cut of the samples maps to rows
     */
    public static SyntheticPopulation of(Path samples, int maxBytes, long seed, String tag)
            throws IOException, GeneralSecurityException {
        List<ObjectNode> cuts = new ArrayList<>();
        for (byte[] cut : mappedCuts(samples, maxBytes)) {
            cuts.add((ObjectNode) JSON.readTree(cut));
        }
        if (cuts.isEmpty()) {
            throw new IllegalArgumentException("no bundle under " + samples + " has a cut that maps to rows");
        }
        return new SyntheticPopulation(List.copyOf(cuts), seed, tag);
    }

    /**
     * The encounter cuts of the bundles under {@code samples} of at most {@code maxBytes} whose rows the extractor
     * maps (some cuts hold only claims outside the row schema's months), in file order.
     */
    public static List<byte[]> mappedCuts(Path samples, int maxBytes) throws IOException, GeneralSecurityException {
        PseudonymKey probe = PseudonymKey.of(new byte[32]);
        List<byte[]> mapped = new ArrayList<>();
        for (byte[] cut : UploadPrepareBench.smallBundles(samples, maxBytes)) {
            try {
                if (!RowExtractor.shared()
                        .extract(new String(cut, StandardCharsets.UTF_8), 1, probe)
                        .isEmpty()) {
                    mapped.add(cut);
                }
            } catch (RowExtractionException e) {
                // a cut the extractor refuses is not a template
            }
        }
        return mapped;
    }

    /** How many distinct cuts one copy has: records {@code i} and {@code i + templates()} are the same cut. */
    public int templates() {
        return cuts.size();
    }

    /**
     * Record {@code i} (≥ 0), as JSON bytes.
     *
     * @throws IllegalArgumentException if {@code i} is negative
     */
    public byte[] record(long i) {
        if (i < 0) {
            throw new IllegalArgumentException("record index must not be negative: " + i);
        }
        long copy = i / cuts.size();
        ObjectNode bundle = cuts.get((int) (i % cuts.size())).deepCopy();
        rewrite(bundle, copy, shiftMonths(copy));
        bundle.put("id", tag + "-" + i);
        try {
            return JSON.writeValueAsBytes(bundle);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private long shiftMonths(long copy) {
        return Math.floorMod(mix(seed, copy), MAX_SHIFT_MONTHS + 1);
    }

    /** Rewrites every text value of {@code node} in place: UUIDs re-identified, dates moved back. */
    private void rewrite(JsonNode node, long copy, long shiftMonths) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getValue().isTextual()) {
                    field.setValue(new TextNode(rewritten(field.getValue().asText(), copy, shiftMonths)));
                } else {
                    rewrite(field.getValue(), copy, shiftMonths);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int k = 0; k < array.size(); k++) {
                JsonNode element = array.get(k);
                if (element.isTextual()) {
                    array.set(k, new TextNode(rewritten(element.asText(), copy, shiftMonths)));
                } else {
                    rewrite(element, copy, shiftMonths);
                }
            }
        }
    }

    private String rewritten(String text, long copy, long shiftMonths) {
        Matcher date = DATE_TEXT.matcher(text);
        if (date.matches()) {
            String time = date.group(2) == null ? "" : date.group(2);
            return LocalDate.parse(date.group(1)).minusMonths(shiftMonths) + time;
        }
        Matcher uuid = UUID_TEXT.matcher(text);
        if (!uuid.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        do {
            uuid.appendReplacement(out, reidentified(uuid.group(), copy));
        } while (uuid.find());
        uuid.appendTail(out);
        return out.toString();
    }

    private String reidentified(String uuid, long copy) {
        return UUID.nameUUIDFromBytes(
                        ("medshare-synthetic-v1\n" + seed + "\n" + copy + "\n" + uuid).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** SplitMix64's finaliser over (seed, copy): a well-spread 64-bit value. */
    private static long mix(long seed, long copy) {
        long z = seed * 0x9E3779B97F4A7C15L + copy + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Writes records {@code 0..COUNT-1} as {@code record-<i>.json} into {@code OUT} (created if absent; each file is
     * written whole or not at all) and prints how many records and bytes it wrote.
     *
     * <p>Usage: {@code SyntheticPopulation SAMPLES OUT COUNT [SEED]}
     */
    public static void main(String[] args) throws IOException, GeneralSecurityException {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: SyntheticPopulation SAMPLES OUT COUNT [SEED]");
            System.exit(2);
        }
        Path out = Path.of(args[1]);
        long count;
        long seed;
        try {
            count = Long.parseLong(args[2]);
            seed = args.length == 4 ? Long.parseLong(args[3]) : 1L;
        } catch (NumberFormatException e) {
            System.err.println("COUNT and SEED must be integers");
            System.exit(2);
            return;
        }
        SyntheticPopulation population = of(Path.of(args[0]), 10 * 1024 - 64, seed, "synthetic-" + seed);
        Files.createDirectories(out);
        long bytes = 0;
        for (long i = 0; i < count; i++) {
            byte[] record = population.record(i);
            Path tmp = Files.createTempFile(out, "record", ".tmp");
            Files.write(tmp, record);
            Files.move(tmp, out.resolve("record-" + i + ".json"), StandardCopyOption.ATOMIC_MOVE);
            bytes += record.length;
        }
        System.out.printf(
                "%d records, %d bytes, from %d cuts per copy, seed %d%n", count, bytes, population.templates(), seed);
    }
}
