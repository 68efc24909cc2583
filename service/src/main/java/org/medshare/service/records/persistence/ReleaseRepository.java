package org.medshare.service.records.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.medshare.service.persistence.NativeRows;

/** Data access for releases of records ({@link RecordAccess}) and the break-glass review queue; callers own the transaction. */
@ApplicationScoped
public class ReleaseRepository {

    private static final String ACCESS_COLUMNS = "ledger_index, record_id, owner_org, actor, org_id, purpose, "
            + "consent_versions, break_glass, accessed_at";
    private static final String CASE_COLUMNS = "ledger_index, access_index, record_id, owner_org, actor, org_id, "
            + "reason, reason_salt, accessed_at, reviewed_by, reviewed_at, review_note";

    private final EntityManager em;

    @Inject
    ReleaseRepository(EntityManager em) {
        this.em = em;
    }

    public void persist(RecordAccess a) {
        insert(
                "record_access",
                ACCESS_COLUMNS,
                a.ledgerIndex(),
                a.recordId(),
                a.owner(),
                a.clinician(),
                a.organisation(),
                a.purpose(),
                a.consentVersions(),
                a.breakGlass(),
                Timestamp.from(a.accessedAt()));
    }

    /**
     * Inserts one row; null values are written as SQL nulls rather than bound, since an untyped null parameter is not
     * portable across JDBC drivers.
     */
    private void insert(String table, String columns, Object... values) {
        StringBuilder placeholders = new StringBuilder();
        List<Object> bound = new ArrayList<>();
        for (Object value : values) {
            placeholders.append(placeholders.length() == 0 ? "" : ", ");
            if (value == null) {
                placeholders.append("null");
            } else {
                bound.add(value);
                placeholders.append('?').append(bound.size());
            }
        }
        var insert = em.createNativeQuery("insert into " + table + " (" + columns + ") values (" + placeholders + ")");
        for (int i = 0; i < bound.size(); i++) {
            insert.setParameter(i + 1, bound.get(i));
        }
        insert.executeUpdate();
    }

    public void persist(BreakGlassCase c) {
        em.createNativeQuery("insert into break_glass (" + CASE_COLUMNS
                        + ") values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, null, null, null)")
                .setParameter(1, c.ledgerIndex())
                .setParameter(2, c.accessIndex())
                .setParameter(3, c.recordId())
                .setParameter(4, c.owner())
                .setParameter(5, c.clinician())
                .setParameter(6, c.organisation())
                .setParameter(7, c.reason())
                .setParameter(8, c.reasonSalt())
                .setParameter(9, Timestamp.from(c.accessedAt()))
                .executeUpdate();
    }

    /** Releases of an organisation's records, newest first. */
    public List<RecordAccess> accessesOf(String owner, int offset, int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select " + ACCESS_COLUMNS
                        + " from record_access where owner_org = ?1 order by ledger_index desc")
                .setParameter(1, owner)
                .setFirstResult(offset)
                .setMaxResults(limit)
                .getResultList();
        return rows.stream()
                .map(r -> new RecordAccess(
                        ((Number) r[0]).longValue(),
                        r[1].toString(),
                        r[2].toString(),
                        r[3].toString(),
                        r[4].toString(),
                        r[5] == null ? null : r[5].toString(),
                        r[6] == null ? null : r[6].toString(),
                        Boolean.TRUE.equals(r[7]) || (r[7] instanceof Number n && n.intValue() != 0),
                        NativeRows.instant(r[8])))
                .toList();
    }

    /** Whether the ledger entry at {@code ledgerIndex} is the ACCESS event of a release of {@code owner}'s record. */
    public boolean isReleaseOf(String owner, long ledgerIndex) {
        return ((Number) em.createNativeQuery(
                                        "select count(*) from record_access where owner_org = ?1 and ledger_index = ?2")
                                .setParameter(1, owner)
                                .setParameter(2, ledgerIndex)
                                .getSingleResult())
                        .longValue()
                > 0;
    }

    /** Break-glass cases, oldest first; only those still waiting for review when {@code pendingOnly}. */
    public List<BreakGlassCase> cases(boolean pendingOnly, int offset, int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select " + CASE_COLUMNS + " from break_glass"
                        + (pendingOnly ? " where reviewed_at is null" : "") + " order by ledger_index")
                .setFirstResult(offset)
                .setMaxResults(limit)
                .getResultList();
        return rows.stream().map(ReleaseRepository::breakGlassCase).toList();
    }

    public Optional<BreakGlassCase> breakGlassCase(long ledgerIndex) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(
                        "select " + CASE_COLUMNS + " from break_glass where ledger_index = ?1")
                .setParameter(1, ledgerIndex)
                .getResultList();
        return rows.stream().map(ReleaseRepository::breakGlassCase).findFirst();
    }

    /**
     * Marks a case reviewed unless it already is.
     *
     * @return whether this call marked it
     */
    public boolean review(long ledgerIndex, String by, Instant at, String note) {
        var update = em.createNativeQuery("update break_glass set reviewed_by = ?1, reviewed_at = ?2, review_note = "
                        + (note == null ? "null where ledger_index = ?3" : "?4 where ledger_index = ?3")
                        + " and reviewed_at is null")
                .setParameter(1, by)
                .setParameter(2, Timestamp.from(at))
                .setParameter(3, ledgerIndex);
        if (note != null) {
            update.setParameter(4, note);
        }
        return update.executeUpdate() == 1;
    }

    private static BreakGlassCase breakGlassCase(Object[] r) {
        return new BreakGlassCase(
                ((Number) r[0]).longValue(),
                ((Number) r[1]).longValue(),
                r[2].toString(),
                r[3].toString(),
                r[4].toString(),
                r[5].toString(),
                r[6].toString(),
                r[7].toString(),
                NativeRows.instant(r[8]),
                r[9] == null ? null : r[9].toString(),
                r[10] == null ? null : NativeRows.instant(r[10]),
                r[11] == null ? null : r[11].toString());
    }
}
