import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Trims Synthea FHIR R4 patient bundles to the MedShare sample: six resource types, no narrative,
 * no dangling references, a total byte budget, split between two hospitals.
 *
 * <p>Run with the single-file source launcher and Gson on the class path (Synthea's own class path
 * provides it): {@code java -cp CP TrimBundles.java IN_DIR OUT_A OUT_B TOTAL_BYTES MAP_TSV}.
 *
 * <p>Guarantees, for every output bundle:
 *
 * <ul>
 *   <li>entries are only Patient (exactly one), Encounter, Condition, Observation, Claim and
 *       ExplanationOfBenefit; {@code text} (narrative), {@code meta} (US Core profile claims, which
 *       a trimmed resource no longer promises to meet) and {@code contained} are removed; an
 *       ExplanationOfBenefit loses its line {@code item}s (their adjudication is most of its bytes;
 *       Synthea's {@code payment} and {@code total} keep the paid and submitted amounts, and the
 *       service lines stay on the Claim); Claim.procedure elements that name no procedure are
 *       removed with the item links to them; a Condition whose SNOMED CT code is in the map file
 *       gets a second coding in ICD-10-CM ({@code http://hl7.org/fhir/sid/icd-10-cm});
 *   <li>every {@code urn:uuid:} reference resolves to an entry of the same bundle; a reference to a
 *       removed resource keeps only its {@code display}; a conditional reference such as
 *       {@code Practitioner?identifier=SYS|VAL} becomes a logical reference ({@code type} +
 *       {@code identifier}, FHIR R4 §2.3.0 Reference), so no unresolvable literal reference
 *       remains; a reference left with nothing in it is removed;
 *   <li>each bundle keeps a contiguous run of the patient's most recent encounters (by
 *       {@code period.start}, then fullUrl), each with its observations, claims and explanations of
 *       benefit; every bundle gets its newest encounter, then bundles take one more encounter each,
 *       round by round in file-name order, while the total stays within {@code TOTAL_BYTES};
 *       conditions are kept when their encounter is kept, when a kept claim or explanation of
 *       benefit cites them, or when they are still active;
 *   <li>output is a pure function of the input bytes: inputs are read in sorted order, JSON member
 *       order is preserved, numbers are written exactly as read; each file is compact JSON with one
 *       bundle entry per line and a final newline.
 * </ul>
 *
 * <p>Bundles are named {@code patient-<uuid>.json}; sorted by that name, even positions go to
 * {@code OUT_A} and odd positions to {@code OUT_B}. The program fails (exit status 1) when an input
 * holds an unexpected reference form or not exactly one Patient, or when the total exceeds
 * {@code TOTAL_BYTES}.
 */
public final class TrimBundles {

  private static final Set<String> KEPT_TYPES =
      Set.of("Patient", "Encounter", "Condition", "Observation", "Claim", "ExplanationOfBenefit");

  private static final String ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm";
  private static final String SNOMED_SYSTEM = "http://snomed.info/sct";

  /** SNOMED CT code to {ICD-10-CM code, title}; filled once from the map file before any trimming. */
  private static final Map<String, String[]> ICD10CM = new TreeMap<>();

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private TrimBundles() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 5) {
      System.err.println("usage: TrimBundles IN_DIR OUT_A OUT_B TOTAL_BYTES SNOMED_ICD10CM_TSV");
      System.exit(2);
    }
    for (String line : Files.readAllLines(Path.of(args[4]), StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] cols = line.split("\t");
      if (cols.length != 3 || ICD10CM.put(cols[0], new String[] {cols[1], cols[2]}) != null) {
        throw new IllegalStateException("bad or duplicate map line: " + line);
      }
    }
    Path in = Path.of(args[0]);
    Path outA = Path.of(args[1]);
    Path outB = Path.of(args[2]);
    long budget = Long.parseLong(args[3]);

    List<Path> inputs;
    try (Stream<Path> files = Files.list(in)) {
      inputs = files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
    if (inputs.isEmpty()) {
      throw new IllegalStateException("no bundles in " + in);
    }
    Map<String, Integer> stats = new TreeMap<>();
    TreeMap<String, PatientBundle> byName = new TreeMap<>();
    for (Path input : inputs) {
      JsonObject bundle;
      try (Reader r = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
        bundle = JsonParser.parseReader(r).getAsJsonObject();
      }
      PatientBundle pb = PatientBundle.of(bundle, input.getFileName().toString(), stats);
      if (byName.put("patient-" + pb.patientId() + ".json", pb) != null) {
        throw new IllegalStateException("two bundles for patient " + pb.patientId());
      }
    }
    List<PatientBundle> bundles = new ArrayList<>(byName.values());

    // Every bundle starts with its most recent encounter; then, round by round in file-name order,
    // each bundle takes its next most recent encounter while the total stays within the budget.
    // A bundle whose next encounter does not fit stops growing, so each keeps a contiguous run of
    // its most recent encounters.
    long total = 0;
    for (PatientBundle pb : bundles) {
      pb.grow(pb.encounters.isEmpty() ? 0 : 1);
      total += pb.size;
    }
    Set<PatientBundle> full = new HashSet<>();
    boolean grew = true;
    while (grew) {
      grew = false;
      for (PatientBundle pb : bundles) {
        if (full.contains(pb) || pb.kept == pb.encounters.size()) {
          continue;
        }
        long before = pb.size;
        long after = pb.sizeWith(pb.kept + 1);
        if (total - before + after <= budget) {
          pb.grow(pb.kept + 1);
          total += after - before;
          grew = true;
        } else {
          full.add(pb);
        }
      }
    }

    long written = 0;
    int index = 0;
    for (Map.Entry<String, PatientBundle> e : byName.entrySet()) {
      PatientBundle pb = e.getValue();
      byte[] bytes = render(pb, pb.kept, stats).getBytes(StandardCharsets.UTF_8);
      Files.write((index % 2 == 0 ? outA : outB).resolve(e.getKey()), bytes);
      written += bytes.length;
      count(stats, "encounters kept", pb.kept);
      count(stats, "encounters dropped (over budget)", pb.encounters.size() - pb.kept);
      index++;
    }
    stats.forEach((k, v) -> System.out.println("  " + k + ": " + v));
    System.out.printf("trimmed %d bundles, %d bytes in total (budget %d)%n", byName.size(), written, budget);
    if (written > budget) {
      System.err.println("total size " + written + " exceeds the budget " + budget);
      System.exit(1);
    }
  }

  /** One entry of the input bundle. */
  private record Entry(String fullUrl, JsonObject entry, JsonObject resource, String type) {}

  /** One patient's input bundle, its encounters newest first, and how many of them are kept. */
  private static final class PatientBundle {
    final JsonObject bundle;
    final List<Entry> entries;
    final Entry patient;
    final List<Entry> encounters;
    int kept;
    long size;

    private PatientBundle(JsonObject bundle, List<Entry> entries, Entry patient, List<Entry> encounters) {
      this.bundle = bundle;
      this.entries = entries;
      this.patient = patient;
      this.encounters = encounters;
    }

    static PatientBundle of(JsonObject bundle, String source, Map<String, Integer> stats) {
      List<Entry> entries = new ArrayList<>();
      for (JsonElement el : bundle.getAsJsonArray("entry")) {
        JsonObject entry = el.getAsJsonObject();
        JsonObject resource = entry.getAsJsonObject("resource");
        String type = resource.get("resourceType").getAsString();
        if (KEPT_TYPES.contains(type)) {
          entries.add(new Entry(entry.get("fullUrl").getAsString(), entry, resource, type));
        } else {
          count(stats, "dropped entry " + type);
        }
      }
      List<Entry> patients = entries.stream().filter(e -> e.type.equals("Patient")).toList();
      if (patients.size() != 1) {
        throw new IllegalStateException(source + ": expected one Patient, found " + patients.size());
      }
      List<Entry> encounters = new ArrayList<>(
          entries.stream().filter(e -> e.type.equals("Encounter")).toList());
      encounters.sort(Comparator.comparing((Entry e) -> periodStart(e.resource)).reversed()
          .thenComparing(e -> e.fullUrl));
      return new PatientBundle(bundle, entries, patients.get(0), encounters);
    }

    String patientId() {
      return patient.resource.get("id").getAsString();
    }

    long sizeWith(int encounterCount) {
      return render(this, encounterCount, null).getBytes(StandardCharsets.UTF_8).length;
    }

    void grow(int encounterCount) {
      size = sizeWith(encounterCount);
      kept = encounterCount;
    }
  }

  private static String periodStart(JsonObject encounter) {
    JsonObject period = encounter.getAsJsonObject("period");
    return period == null || !period.has("start") ? "" : period.get("start").getAsString();
  }

  /** Builds the output bundle holding the patient and the given encounters with what belongs to them. */
  private static String render(PatientBundle pb, int encounterCount, Map<String, Integer> stats) {
    JsonObject bundle = pb.bundle;
    List<Entry> entries = pb.entries;
    Set<String> kept = new HashSet<>();
    kept.add(pb.patient.fullUrl);
    pb.encounters.subList(0, encounterCount).forEach(e -> kept.add(e.fullUrl));
    for (Entry e : entries) {
      if (e.type.equals("Observation") && kept.contains(ref(e.resource, "encounter"))) {
        kept.add(e.fullUrl);
      }
    }
    for (Entry e : entries) {
      if (e.type.equals("Claim") && anyItemEncounterKept(e.resource, kept)) {
        kept.add(e.fullUrl);
      }
    }
    for (Entry e : entries) {
      if (e.type.equals("ExplanationOfBenefit") && kept.contains(ref(e.resource, "claim"))) {
        kept.add(e.fullUrl);
      }
    }
    Set<String> cited = new HashSet<>();
    for (Entry e : entries) {
      if ((e.type.equals("Claim") || e.type.equals("ExplanationOfBenefit")) && kept.contains(e.fullUrl)
          && e.resource.has("diagnosis")) {
        for (JsonElement d : e.resource.getAsJsonArray("diagnosis")) {
          String r = ref(d.getAsJsonObject(), "diagnosisReference");
          if (r != null) {
            cited.add(r);
          }
        }
      }
    }
    for (Entry e : entries) {
      if (e.type.equals("Condition")
          && (kept.contains(ref(e.resource, "encounter")) || cited.contains(e.fullUrl) || isActive(e.resource))) {
        kept.add(e.fullUrl);
      }
    }

    JsonArray outEntries = new JsonArray();
    for (Entry e : entries) {
      if (!kept.contains(e.fullUrl)) {
        continue;
      }
      JsonObject resource = e.resource.deepCopy();
      resource.remove("text");
      resource.remove("meta");
      resource.remove("contained");
      if (e.type.equals("ExplanationOfBenefit")) {
        // Line-level adjudication (about 80% of an EOB's bytes) is summarised by Synthea in
        // payment (payer paid) and total (submitted); the service lines themselves are on the Claim.
        resource.remove("item");
      }
      fixReferences(resource, kept, e.type, stats);
      if (e.type.equals("Claim")) {
        dropEmptyProcedures(resource, stats);
      }
      if (e.type.equals("Condition")) {
        addIcd10(resource, stats);
      }
      JsonObject entry = new JsonObject();
      entry.addProperty("fullUrl", e.fullUrl);
      entry.add("resource", resource);
      if (e.entry.has("request")) {
        entry.add("request", e.entry.get("request").deepCopy());
      }
      outEntries.add(entry);
      if (stats != null) {
        count(stats, "kept " + e.type);
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("{\"resourceType\":\"Bundle\",\"type\":").append(GSON.toJson(bundle.get("type")))
        .append(",\"entry\":[\n");
    for (int i = 0; i < outEntries.size(); i++) {
      out.append(GSON.toJson(outEntries.get(i))).append(i + 1 < outEntries.size() ? ",\n" : "\n");
    }
    return out.append("]}\n").toString();
  }

  /**
   * Removes Claim.procedure elements that name no procedure (Synthea leaves only their
   * {@code sequence} when Procedure resources are not exported, which breaks the R4 cardinality
   * {@code procedure[x] 1..1}) and the item {@code procedureSequence} links to them. The procedure
   * codes stay on the claim as the items' {@code productOrService}.
   */
  private static void dropEmptyProcedures(JsonObject claim, Map<String, Integer> stats) {
    if (!claim.has("procedure")) {
      return;
    }
    Set<Long> removed = new HashSet<>();
    JsonArray procedures = claim.getAsJsonArray("procedure");
    for (int i = procedures.size() - 1; i >= 0; i--) {
      JsonObject p = procedures.get(i).getAsJsonObject();
      if (!p.has("procedureCodeableConcept") && !p.has("procedureReference")) {
        removed.add(p.get("sequence").getAsLong());
        procedures.remove(i);
        count(stats, "removed Claim.procedure without procedure[x]");
      }
    }
    if (procedures.isEmpty()) {
      claim.remove("procedure");
    }
    if (!claim.has("item")) {
      return;
    }
    for (JsonElement el : claim.getAsJsonArray("item")) {
      JsonObject item = el.getAsJsonObject();
      if (item.has("procedureSequence")) {
        JsonArray seq = item.getAsJsonArray("procedureSequence");
        for (int i = seq.size() - 1; i >= 0; i--) {
          if (removed.contains(seq.get(i).getAsLong())) {
            seq.remove(i);
          }
        }
        if (seq.isEmpty()) {
          item.remove("procedureSequence");
        }
      }
    }
  }

  /** Appends an ICD-10-CM coding to a Condition whose SNOMED CT code is in the map (once). */
  private static void addIcd10(JsonObject condition, Map<String, Integer> stats) {
    JsonObject code = condition.getAsJsonObject("code");
    if (code == null || !code.has("coding")) {
      return;
    }
    JsonArray codings = code.getAsJsonArray("coding");
    String[] mapped = null;
    for (JsonElement c : codings) {
      JsonObject coding = c.getAsJsonObject();
      String system = coding.has("system") ? coding.get("system").getAsString() : "";
      if (system.equals(ICD10CM_SYSTEM)) {
        return;
      }
      if (system.equals(SNOMED_SYSTEM) && mapped == null) {
        mapped = ICD10CM.get(coding.get("code").getAsString());
      }
    }
    if (mapped == null) {
      count(stats, "Condition without ICD-10-CM mapping");
      return;
    }
    JsonObject icd = new JsonObject();
    icd.addProperty("system", ICD10CM_SYSTEM);
    icd.addProperty("code", mapped[0]);
    icd.addProperty("display", mapped[1]);
    codings.add(icd);
    count(stats, "Condition given an ICD-10-CM coding");
  }

  private static boolean isActive(JsonObject condition) {
    JsonObject status = condition.getAsJsonObject("clinicalStatus");
    if (status == null || !status.has("coding")) {
      return false;
    }
    for (JsonElement c : status.getAsJsonArray("coding")) {
      if ("active".equals(c.getAsJsonObject().get("code").getAsString())) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyItemEncounterKept(JsonObject claim, Set<String> kept) {
    if (!claim.has("item")) {
      return false;
    }
    for (JsonElement item : claim.getAsJsonArray("item")) {
      JsonObject o = item.getAsJsonObject();
      if (o.has("encounter")) {
        for (JsonElement enc : o.getAsJsonArray("encounter")) {
          if (kept.contains(ref(enc.getAsJsonObject(), null))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The literal reference in {@code obj.field} (or in {@code obj} itself when field is null). */
  private static String ref(JsonObject obj, String field) {
    JsonObject r = field == null ? obj : obj.getAsJsonObject(field);
    if (r == null || !r.has("reference")) {
      return null;
    }
    return r.get("reference").getAsString();
  }

  /**
   * Rewrites every Reference below {@code node}: keeps kept {@code urn:uuid:} targets, turns
   * conditional references into logical ones, strips references to removed resources, and removes
   * References (and array elements) left empty. Returns true when {@code node} became empty.
   */
  private static boolean fixReferences(JsonElement node, Set<String> kept, String path,
      Map<String, Integer> stats) {
    if (node.isJsonArray()) {
      JsonArray array = node.getAsJsonArray();
      for (int i = array.size() - 1; i >= 0; i--) {
        if (fixReferences(array.get(i), kept, path, stats)) {
          array.remove(i);
          count(stats, "removed empty element " + path);
        }
      }
      return array.isEmpty();
    }
    if (!node.isJsonObject()) {
      return false;
    }
    JsonObject obj = node.getAsJsonObject();
    if (obj.has("reference") && obj.get("reference").isJsonPrimitive()) {
      String reference = obj.get("reference").getAsString();
      if (reference.startsWith("urn:uuid:")) {
        if (!kept.contains(reference)) {
          obj.remove("reference");
          count(stats, "stripped reference to removed resource at " + path);
        }
      } else if (reference.startsWith("#")) {
        obj.remove("reference");
        count(stats, "stripped reference to contained resource at " + path);
      } else {
        int q = reference.indexOf("?identifier=");
        int bar = reference.indexOf('|', q + 1);
        if (q <= 0 || bar < 0) {
          throw new IllegalStateException("unexpected reference form at " + path + ": " + reference);
        }
        String type = reference.substring(0, q);
        if (KEPT_TYPES.contains(type)) {
          throw new IllegalStateException("conditional reference to kept type at " + path + ": " + reference);
        }
        obj.remove("reference");
        if (!obj.has("identifier")) {
          JsonObject identifier = new JsonObject();
          identifier.addProperty("system", reference.substring(q + "?identifier=".length(), bar));
          identifier.addProperty("value", reference.substring(bar + 1));
          reorder(obj, type, identifier);
        }
        count(stats, "conditional reference made logical at " + path);
      }
      return obj.size() == 0;
    }
    List<String> empty = new ArrayList<>();
    for (Map.Entry<String, JsonElement> member : obj.entrySet()) {
      if (fixReferences(member.getValue(), kept, path + "." + member.getKey(), stats)) {
        empty.add(member.getKey());
      }
    }
    for (String key : empty) {
      obj.remove(key);
      count(stats, "removed empty " + path + "." + key);
    }
    return obj.size() == 0;
  }

  /** Puts {@code type} and {@code identifier} first in a Reference, keeping its other members after them. */
  private static void reorder(JsonObject reference, String type, JsonObject identifier) {
    Map<String, JsonElement> rest = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> m : reference.entrySet()) {
      rest.put(m.getKey(), m.getValue());
    }
    for (String k : new ArrayList<>(rest.keySet())) {
      reference.remove(k);
    }
    reference.addProperty("type", type);
    reference.add("identifier", identifier);
    rest.forEach(reference::add);
  }

  private static void count(Map<String, Integer> stats, String key) {
    count(stats, key, 1);
  }

  private static void count(Map<String, Integer> stats, String key, int n) {
    if (stats != null) {
      stats.merge(key, n, Integer::sum);
    }
  }
}
