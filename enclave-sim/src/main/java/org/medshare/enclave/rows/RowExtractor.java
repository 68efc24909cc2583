package org.medshare.enclave.rows;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.ExplanationOfBenefit;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Extracts analytics rows ({@link AnalyticsRow}, schema in {@code enclave-sim/ROWS.md}) from a FHIR R4 Bundle on
 * the hospital side, before encryption. Uses HAPI FHIR structures R4; the {@link FhirContext} is expensive, so build
 * one and share it ({@link #shared()}).
 *
 * <p>Rules (ROWS.md has the full table):
 * <ul>
 *   <li>One row per {@code Claim}; one row per {@code Encounter} that no Claim of the Bundle refers to
 *       (amounts 0).</li>
 *   <li>References are resolved as R4 defines them: to a resource contained in the referring one ({@code #id}), to
 *       an entry by {@code fullUrl} (including {@code urn:uuid:}), by {@code Type/id} (also against absolute
 *       fullUrls), and conditional references {@code Type?identifier=system|value} to the one entry of that type
 *       with that identifier.</li>
 *   <li>Patient: pseudonym = {@link PseudonymKey#pseudonymOf} of the first {@code Patient.identifier} as
 *       {@code system|value}, else of {@code Patient/<id>}; sex from {@code Patient.gender}; age band from
 *       {@code Patient.birthDate} (year, year-month or full date) at the first day of the service month. A Patient
 *       with the {@code patient-animal} extension is not human: its rows are skipped.</li>
 *   <li>Claim amount: {@code Claim.total}; payment: {@code ExplanationOfBenefit.payment.amount} of the EOBs whose
 *       {@code claim} refers to the Claim (summed), in cents, rounded half-even.</li>
 *   <li>Service month, as written in the resource's own time zone (a visit on the 31st at 23:30 -05:00 stays in
 *       that month): {@code Claim.billablePeriod.start}, else the first item's serviced date/period, else
 *       {@code Claim.created}; for an Encounter {@code period.start}, else {@code period.end}, else the first
 *       {@code statusHistory.period.start}. A date without a month gives no row.</li>
 *   <li>ICD-10 codes: codings whose system starts with {@code http://hl7.org/fhir/sid/icd-10}, from
 *       {@code Claim.diagnosis} (concept or referenced Condition), else from the Conditions of the Claim's encounters
 *       ({@code Encounter.diagnosis}, {@code Condition.encounter}); first three distinct codes kept in order.</li>
 *   <li>Observations carry no row field and are ignored.</li>
 * </ul>
 * A Claim or Encounter the rules cannot map (its Patient cannot be resolved or is not human, a date without a month
 * or outside 1900-01..2070-08, an amount in another currency than the Bundle's first, a negative or out-of-range
 * amount, a birth after the service month) gives no row and one {@link RowExtraction.Skip} with the reason; the
 * other rows of the Bundle are kept.
 */
public final class RowExtractor {
    private static final String ICD10_SYSTEM_PREFIX = "http://hl7.org/fhir/sid/icd-10";
    /** The R4 core extension that marks a Patient as an animal (veterinary care). */
    public static final String PATIENT_ANIMAL_EXTENSION = "http://hl7.org/fhir/StructureDefinition/patient-animal";

    private final FhirContext fhir;

    /** Uses the given context (must be R4). */
    public RowExtractor(FhirContext fhir) {
        if (fhir.getVersion().getVersion() != FhirVersionEnum.R4) {
            throw new IllegalArgumentException("FhirContext must be R4");
        }
        this.fhir = fhir;
    }

    private static final class Holder {
        static final FhirContext CONTEXT = FhirContext.forR4();
        static final RowExtractor INSTANCE = new RowExtractor(CONTEXT);
    }

    /** A process-wide extractor over one lazily built {@code FhirContext.forR4()}. */
    public static RowExtractor shared() {
        return Holder.INSTANCE;
    }

    /** The process-wide R4 context of {@link #shared()}. */
    static FhirContext sharedContext() {
        return Holder.CONTEXT;
    }

    /**
     * Parses FHIR R4 JSON or XML (must be a Bundle) and returns the rows that could be extracted.
     *
     * @throws RowExtractionException if the text is not an R4 Bundle or the hospital id is out of range
     */
    public List<AnalyticsRow> extract(String bundle, int hospitalId, PseudonymKey pseudonymKey)
            throws RowExtractionException {
        try {
            return extract(
                    new BundleReader(fhir)
                            .read(bundle.getBytes(StandardCharsets.UTF_8))
                            .bundle(),
                    hospitalId,
                    pseudonymKey);
        } catch (BundleFormatException e) {
            throw new RowExtractionException(e.getMessage());
        }
    }

    /** The rows of a parsed Bundle ({@link #extractWithSkips} without the skips). */
    public List<AnalyticsRow> extract(Bundle bundle, int hospitalId, PseudonymKey pseudonymKey)
            throws RowExtractionException {
        return extractWithSkips(bundle, hospitalId, pseudonymKey).rows();
    }

    /**
     * The rows of a parsed Bundle and every Claim or Encounter that gave none, with the reason.
     *
     * @throws RowExtractionException only if {@code hospitalId} is outside {@code 0..RowLayout.MAX_HOSPITAL}
     */
    public RowExtraction extractWithSkips(Bundle bundle, int hospitalId, PseudonymKey pseudonymKey)
            throws RowExtractionException {
        if (hospitalId < 0 || hospitalId > RowLayout.MAX_HOSPITAL) {
            throw new RowExtractionException("hospital id must be within 0.." + RowLayout.MAX_HOSPITAL);
        }
        BundleIndex index = new BundleIndex(bundle);
        List<AnalyticsRow> rows = new ArrayList<>();
        List<RowExtraction.Skip> skipped = new ArrayList<>();
        Set<Resource> claimedEncounters = new HashSet<>();
        Currency currency = new Currency();
        for (Resource r : index.resources()) {
            if (r instanceof Claim c) {
                for (Claim.ItemComponent item : c.getItem()) {
                    for (Reference er : item.getEncounter()) {
                        Resource e = index.resolveOrNull(er, c);
                        if (e instanceof Encounter) {
                            claimedEncounters.add(e);
                        }
                    }
                }
                try {
                    rows.add(claimRow(index, c, currency, hospitalId, pseudonymKey));
                } catch (RowSkipped s) {
                    skipped.add(new RowExtraction.Skip(index.name(c), s.getMessage()));
                }
            }
        }
        for (Resource r : index.resources()) {
            if (r instanceof Encounter e && !claimedEncounters.contains(e)) {
                try {
                    Patient p = humanPatient(index, e.getSubject(), e, "subject");
                    int month = RowDates.serviceMonth(e);
                    Set<Integer> codes = new LinkedHashSet<>();
                    encounterCodes(index, e, codes);
                    rows.add(row(p, month, codes, 0, 0, hospitalId, pseudonymKey));
                } catch (RowSkipped s) {
                    skipped.add(new RowExtraction.Skip(index.name(e), s.getMessage()));
                }
            }
        }
        return new RowExtraction(rows, skipped);
    }

    private static AnalyticsRow claimRow(
            BundleIndex index, Claim c, Currency bundleCurrency, int hospitalId, PseudonymKey key) throws RowSkipped {
        Patient p = humanPatient(index, c.getPatient(), c, "patient");
        List<Encounter> encounters = new ArrayList<>();
        for (Claim.ItemComponent item : c.getItem()) {
            for (Reference er : item.getEncounter()) {
                if (index.resolveOrNull(er, c) instanceof Encounter e) {
                    encounters.add(e);
                }
            }
        }
        int month = RowDates.serviceMonth(c);
        Currency currency = bundleCurrency.copy();
        int claim = c.hasTotal() ? cents(c.getTotal(), currency, "Claim.total") : 0;
        long pay = 0;
        for (Resource x : index.resources()) {
            if (x instanceof ExplanationOfBenefit eob
                    && index.resolveOrNull(eob.getClaim(), eob) == c
                    && eob.hasPayment()
                    && eob.getPayment().hasAmount()) {
                pay += cents(eob.getPayment().getAmount(), currency, "ExplanationOfBenefit.payment.amount");
            }
        }
        if (pay > Integer.MAX_VALUE) {
            throw new RowSkipped("its payments exceed the row's 32-bit cents range");
        }
        Set<Integer> codes = new LinkedHashSet<>();
        for (Claim.DiagnosisComponent d : c.getDiagnosis()) {
            if (d.hasDiagnosisCodeableConcept()) {
                addIcd(d.getDiagnosisCodeableConcept(), codes);
            } else if (d.hasDiagnosisReference()
                    && index.resolveOrNull(d.getDiagnosisReference(), c) instanceof Condition cond) {
                addIcd(cond.getCode(), codes);
            }
        }
        if (codes.isEmpty()) {
            for (Encounter e : encounters) {
                encounterCodes(index, e, codes);
            }
        }
        AnalyticsRow row = row(p, month, codes, claim, (int) pay, hospitalId, key);
        bundleCurrency.adopt(currency);
        return row;
    }

    private static void encounterCodes(BundleIndex index, Encounter e, Set<Integer> codes) {
        for (Encounter.DiagnosisComponent d : e.getDiagnosis()) {
            if (index.resolveOrNull(d.getCondition(), e) instanceof Condition c) {
                addIcd(c.getCode(), codes);
            }
        }
        for (Resource r : index.resources()) {
            if (r instanceof Condition c && c.hasEncounter() && index.resolveOrNull(c.getEncounter(), c) == e) {
                addIcd(c.getCode(), codes);
            }
        }
    }

    private static void addIcd(CodeableConcept cc, Set<Integer> codes) {
        for (Coding coding : cc.getCoding()) {
            if (coding.hasSystem()
                    && coding.getSystem().startsWith(ICD10_SYSTEM_PREFIX)
                    && coding.hasCode()
                    && Icd10.isCode(coding.getCode())
                    && codes.size() < RowLayout.ICD_SLOTS) {
                codes.add(Icd10.encode(coding.getCode()));
            }
        }
    }

    private static AnalyticsRow row(
            Patient p, int yyyymm, Set<Integer> codes, int claim, int pay, int hospitalId, PseudonymKey key)
            throws RowSkipped {
        int sex = 0;
        if (p.hasGender()) {
            switch (p.getGender()) {
                case FEMALE:
                    sex = 1;
                    break;
                case MALE:
                    sex = 2;
                    break;
                case OTHER:
                    sex = 3;
                    break;
                default:
                    sex = 0;
            }
        }
        int band = RowDates.ageBand(p, yyyymm);
        String ident;
        Identifier id = p.getIdentifierFirstRep();
        if (p.hasIdentifier() && id.hasValue()) {
            ident = (id.hasSystem() ? id.getSystem() : "") + "|" + id.getValue();
        } else if (p.getIdElement().hasIdPart()) {
            ident = "Patient/" + BundleIndex.stripHash(p.getIdElement().getIdPart());
        } else {
            throw new RowSkipped("its Patient has neither an identifier nor an id");
        }
        int[] icd = codes.stream().mapToInt(Integer::intValue).toArray();
        return AnalyticsRow.of(key.pseudonymOf(ident), band, Sex.ofCode(sex), icd, claim, pay, yyyymm, hospitalId);
    }

    private static int cents(Money m, Currency currency, String what) throws RowSkipped {
        if (!m.hasValue()) {
            return 0;
        }
        if (m.hasCurrency()) {
            currency.check(m.getCurrency(), what);
        }
        BigDecimal c = m.getValue().movePointRight(2).setScale(0, RoundingMode.HALF_EVEN);
        if (c.signum() < 0 || c.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            throw new RowSkipped(what + " must be within 0 .. 21474836.47");
        }
        return c.intValueExact();
    }

    /**
     * The human Patient that {@code ref}, the element {@code element} of {@code from}, refers to; {@link RowSkipped}
     * otherwise.
     */
    private static Patient humanPatient(BundleIndex index, Reference ref, Resource from, String element)
            throws RowSkipped {
        if (ref == null || ref.isEmpty()) {
            throw new RowSkipped("it has no " + element);
        }
        Resource r = index.resolve(ref, from);
        if (!(r instanceof Patient p)) {
            throw new RowSkipped("its " + element + " is a " + r.fhirType() + ", not a Patient");
        }
        if (p.hasExtension(PATIENT_ANIMAL_EXTENSION)) {
            throw new RowSkipped("its Patient is not human (patient-animal extension): not used in statistics");
        }
        return p;
    }

    /** The one currency of a Bundle's amounts: the first one met in a row that was kept. */
    private static final class Currency {
        private String code;

        Currency copy() {
            Currency c = new Currency();
            c.code = code;
            return c;
        }

        void adopt(Currency other) {
            code = other.code;
        }

        void check(String found, String what) throws RowSkipped {
            if (code == null) {
                code = found;
            } else if (!code.equals(found)) {
                throw new RowSkipped(what + " is in " + found + " where the Bundle's amounts are in " + code);
            }
        }
    }
}
