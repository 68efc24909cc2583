package org.medshare.service.queries.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.medshare.ledger.event.HospitalDisclosureLimits;

/** One organisation's own disclosure limits as stored; {@link #limits()} and {@link #set} map them. */
@Entity
@Table(name = "disclosure_limits")
public class DisclosureLimitsEntity {

    @Id
    @Column(name = "org_id")
    private String organisation;

    @Column(name = "min_group_size", nullable = false)
    private int minGroupSize;

    @Column(name = "max_epsilon_micros")
    private Long maxEpsilonMicros;

    @Column(name = "max_rows_per_patient", nullable = false)
    private int maxRowsPerPatient;

    @Column(name = "noise_required", nullable = false)
    private boolean noiseRequired;

    @Column(name = "allowed_aggregates", nullable = false)
    private String allowedAggregates;

    @Column(name = "allowed_fields", nullable = false)
    private String allowedFields;

    protected DisclosureLimitsEntity() {}

    public DisclosureLimitsEntity(String organisation, HospitalDisclosureLimits limits) {
        this.organisation = organisation;
        set(limits);
    }

    public String organisation() {
        return organisation;
    }

    /** Replaces the stored limits with {@code limits}. */
    public void set(HospitalDisclosureLimits limits) {
        minGroupSize = limits.minGroupSize();
        maxEpsilonMicros = limits.maxEpsilonMicros().isPresent()
                ? limits.maxEpsilonMicros().getAsLong()
                : null;
        maxRowsPerPatient = limits.maxRowsPerPatient();
        noiseRequired = limits.noiseRequired();
        allowedAggregates = String.join(",", limits.allowedAggregates());
        allowedFields = String.join(",", limits.allowedFields());
    }

    public HospitalDisclosureLimits limits() {
        return new HospitalDisclosureLimits(
                minGroupSize,
                maxEpsilonMicros == null ? OptionalLong.empty() : OptionalLong.of(maxEpsilonMicros),
                maxRowsPerPatient,
                noiseRequired,
                names(allowedAggregates),
                names(allowedFields));
    }

    private static List<String> names(String joined) {
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }
}
