package org.medshare.service.queries.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.medshare.enclave.stats.AggregateSpec;
import org.medshare.enclave.stats.Allowed;
import org.medshare.enclave.stats.DisclosedField;
import org.medshare.enclave.stats.DisclosureLimits;
import org.medshare.enclave.stats.HospitalDisclosure;
import org.medshare.enclave.stats.PrivacyBudget;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.HospitalDisclosureLimits;
import org.medshare.service.identity.Caller;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.queries.persistence.DisclosureLimitsEntity;
import org.medshare.service.queries.persistence.DisclosureLimitsRepository;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * Hospitals' own disclosure limits: what a query over a hospital's records may release, on top of its template's. The
 * enclave applies the most restrictive combination of the limits of the hospitals whose records a query uses (the
 * larger k, the smaller ε and rows per patient, noise if any requires it, only the aggregates and fields all of them
 * allow) and refuses a query they do not allow before anything is decrypted. A hospital that never set limits has
 * none of its own. Every change of the limits in force is on the ledger as DISCLOSURE_LIMITS_CHANGED.
 */
@ApplicationScoped
public class DisclosureLimitsService {

    /** Largest ε a hospital may allow for one query. */
    static final double MAX_EPSILON = 1e6;

    /**
     * A hospital's limits as it sets them: only the minimum group size is required.
     *
     * @param minGroupSize       k: the least number of distinct patients behind a released value, 2..1000000
     * @param maxEpsilonPerQuery the largest ε of one query, 0 or 0.000001..1000000; absent or null: no limit
     * @param maxRowsPerPatient  the most rows one patient may contribute, 1..1000; absent: 1000
     * @param noiseRequired      whether a query without differential privacy is refused; absent: false
     * @param allowedAggregates  aggregate kinds a query may compute; absent or empty: any
     * @param allowedFields      fields a query may aggregate or group by; absent or empty: any
     */
    public record DisclosureLimitsInput(
            @Schema(required = true, minimum = "2", maximum = "1000000")
            Integer minGroupSize,

            @Schema(nullable = true, minimum = "0", maximum = "1000000")
            Double maxEpsilonPerQuery,

            @Schema(nullable = true, minimum = "1", maximum = "1000")
            Integer maxRowsPerPatient,

            @Schema(nullable = true) Boolean noiseRequired,

            @Schema(nullable = true, description = AGGREGATES_DESCRIPTION)
            List<String> allowedAggregates,

            @Schema(nullable = true, description = FIELDS_DESCRIPTION)
            List<String> allowedFields) {}

    static final String AGGREGATES_DESCRIPTION =
            "Each once, of count, sum, mean, variance, histogram, quantiles, ols, logistic; empty for any";
    static final String FIELDS_DESCRIPTION = "Each once, of claim, payment, ageBand, sex, icd10, hospital, serviceYear,"
            + " serviceMonth (what a query aggregates, regresses on or groups by); empty for any";

    /**
     * A hospital's limits in force.
     *
     * @param maxEpsilonPerQuery null: no limit of its own
     * @param allowedAggregates  ascending; empty: any
     * @param allowedFields      ascending; empty: any
     */
    public record DisclosureLimitsView(
            int minGroupSize,
            @Schema(nullable = true) Double maxEpsilonPerQuery,
            int maxRowsPerPatient,
            boolean noiseRequired,
            List<String> allowedAggregates,
            List<String> allowedFields) {

        static DisclosureLimitsView of(HospitalDisclosureLimits limits) {
            return new DisclosureLimitsView(
                    limits.minGroupSize(),
                    limits.maxEpsilonMicros().isPresent()
                            ? limits.maxEpsilonMicros().getAsLong() / (double) PrivacyBudget.MICROS
                            : null,
                    limits.maxRowsPerPatient(),
                    limits.noiseRequired(),
                    limits.allowedAggregates(),
                    limits.allowedFields());
        }
    }

    private static final List<String> AGGREGATES = Arrays.stream(AggregateSpec.Kind.values())
            .map(AggregateSpec.Kind::jsonName)
            .toList();
    private static final List<String> FIELDS =
            Arrays.stream(DisclosedField.values()).map(DisclosedField::jsonName).toList();

    private final DisclosureLimitsRepository repository;
    private final LedgerService ledger;
    private final Clock clock = Clock.systemUTC();

    @Inject
    DisclosureLimitsService(DisclosureLimitsRepository repository, LedgerService ledger) {
        this.repository = repository;
        this.ledger = ledger;
    }

    /** The caller hospital's own limits, if it set any. */
    public Optional<DisclosureLimitsView> limits(Caller hospital) {
        return QuarkusTransaction.requiringNew()
                .call(() -> repository.of(hospital.organisation()).map(DisclosureLimitsEntity::limits))
                .map(DisclosureLimitsView::of);
    }

    /**
     * Replaces the caller hospital's limits with {@code input}, in force for queries approved from then on. When the
     * limits in force change, the change is committed and then appended to the ledger as DISCLOSURE_LIMITS_CHANGED
     * carrying the limits now in force; setting the same limits again appends nothing.
     *
     * @return the limits now in force
     * @throws RequestRefusedException 400 {@code invalid-disclosure-limits} naming the member that is missing, out of
     *                                 range, unknown or repeated; the limits in force are then unchanged
     */
    public DisclosureLimitsView set(Caller hospital, DisclosureLimitsInput input) {
        HospitalDisclosureLimits wanted = validated(input);
        String organisation = hospital.organisation();
        boolean changed = QuarkusTransaction.requiringNew().call(() -> {
            Optional<DisclosureLimitsEntity> stored = repository.of(organisation);
            if (stored.isPresent()) {
                if (stored.get().limits().equals(wanted)) {
                    return false;
                }
                stored.get().set(wanted);
            } else {
                repository.add(new DisclosureLimitsEntity(organisation, wanted));
            }
            return true;
        });
        if (changed) {
            ledger.append(Event.disclosureLimitsChanged(clock.millis(), organisation, wanted));
        }
        return DisclosureLimitsView.of(wanted);
    }

    /**
     * Every numbered hospital's own limits, as the enclave takes them (the stored names of aggregates and fields are
     * the enclave's).
     *
     * @param hospitalNumbers organisation → hospital number; organisations not in it are left out
     */
    public DisclosureLimits byHospitalNumber(Map<String, Integer> hospitalNumbers) {
        Map<Integer, HospitalDisclosure> out = new TreeMap<>();
        QuarkusTransaction.requiringNew().call(repository::all).forEach(stored -> {
            Integer number = hospitalNumbers.get(stored.organisation());
            if (number != null) {
                out.put(number, forEnclave(stored.limits()));
            }
        });
        return DisclosureLimits.of(out);
    }

    private static HospitalDisclosure forEnclave(HospitalDisclosureLimits limits) {
        return new HospitalDisclosure(
                limits.minGroupSize(),
                limits.maxEpsilonMicros().orElse(Long.MAX_VALUE),
                limits.maxRowsPerPatient(),
                limits.noiseRequired(),
                allowed(limits.allowedAggregates(), AggregateSpec.Kind::byJsonName),
                allowed(limits.allowedFields(), DisclosedField::byJsonName));
    }

    private static <E extends Enum<E>> Allowed<E> allowed(List<String> names, Function<String, E> byName) {
        List<E> values = new ArrayList<>();
        for (String name : names) {
            E value = byName.apply(name);
            if (value == null) {
                throw new IllegalStateException("stored disclosure limits name an unknown aggregate or field");
            }
            values.add(value);
        }
        return Allowed.anyIfEmpty(values);
    }

    private static HospitalDisclosureLimits validated(DisclosureLimitsInput input) {
        if (input.minGroupSize() == null || input.minGroupSize() < 2 || input.minGroupSize() > 1_000_000) {
            throw invalid("minGroupSize is required: the least number of distinct patients behind a released value,"
                    + " 2 to 1000000.");
        }
        OptionalLong epsilon = OptionalLong.empty();
        Double maxEpsilon = input.maxEpsilonPerQuery();
        if (maxEpsilon != null) {
            if (maxEpsilon == 0) {
                epsilon = OptionalLong.of(0);
            } else {
                try {
                    epsilon = OptionalLong.of(PrivacyBudget.toMicros(maxEpsilon));
                } catch (IllegalArgumentException e) {
                    throw invalid("maxEpsilonPerQuery must be 0 (no differentially private query) or an epsilon"
                            + " between 0.000001 and 1000000, or null for no limit.");
                }
            }
        }
        int rows = input.maxRowsPerPatient() == null ? 1000 : input.maxRowsPerPatient();
        if (rows < 1 || rows > 1000) {
            throw invalid("maxRowsPerPatient must be 1 to 1000.");
        }
        return new HospitalDisclosureLimits(
                input.minGroupSize(),
                epsilon,
                rows,
                Boolean.TRUE.equals(input.noiseRequired()),
                names(input.allowedAggregates(), AGGREGATES, "allowedAggregates"),
                names(input.allowedFields(), FIELDS, "allowedFields"));
    }

    private static List<String> names(List<String> given, List<String> known, String member) {
        if (given == null) {
            return List.of();
        }
        TreeSet<String> out = new TreeSet<>();
        for (String name : given) {
            if (name == null || !known.contains(name)) {
                throw invalid(member + " may name only " + String.join(", ", known) + " (empty for any).");
            }
            if (!out.add(name)) {
                throw invalid(member + " names " + name + " more than once; name each once.");
            }
        }
        return List.copyOf(out);
    }

    private static RequestRefusedException invalid(String detail) {
        return RequestRefusedException.invalid("invalid-disclosure-limits", "Invalid disclosure limits", detail);
    }
}
