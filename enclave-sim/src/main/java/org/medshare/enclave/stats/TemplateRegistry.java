package org.medshare.enclave.stats;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.medshare.enclave.stats.QueryRefusedException.Reason;

/**
 * Templates and their approval state. Insurers submit templates (state PENDING); the regulator
 * approves or rejects them; an approved template may later be withdrawn. Only APPROVED templates
 * run. Approval binds the template's {@link QueryTemplate#hash()}: a template with the same id and
 * version but different content cannot be submitted. Thread-safe. Who may call {@link #approve}
 * (the regulator role) is enforced by the service; the regulator's id is recorded.
 */
public final class TemplateRegistry {
    /** Approval states. */
    public enum State {
        PENDING,
        APPROVED,
        REJECTED,
        WITHDRAWN
    }

    /** A registered template, its state and who decided it. */
    public record Entry(QueryTemplate template, State state, String decidedBy) {}

    private final int engineMinGroupSize;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** @param engineMinGroupSize templates may raise but never lower this minimum group size */
    public TemplateRegistry(int engineMinGroupSize) {
        this.engineMinGroupSize = engineMinGroupSize;
    }

    private static String key(String id, int version) {
        return id + "\u0000" + version;
    }

    /**
     * Submits a template for approval.
     *
     * @throws QueryRefusedException TEMPLATE_INVALID if it lowers the minimum group size or if the same
     *     id and version are already registered
     */
    public void submit(QueryTemplate t) throws QueryRefusedException {
        if (t.privacy().minGroupSize() < engineMinGroupSize) {
            throw new QueryRefusedException(
                    Reason.TEMPLATE_INVALID,
                    "minGroupSize " + t.privacy().minGroupSize() + " is below the engine's minimum "
                            + engineMinGroupSize);
        }
        Entry prev = entries.putIfAbsent(key(t.id(), t.version()), new Entry(t, State.PENDING, null));
        if (prev != null) {
            throw new QueryRefusedException(
                    Reason.TEMPLATE_INVALID,
                    "template " + t.id() + " v" + t.version() + " is already registered; submit a new version");
        }
    }

    /** Regulator approves a PENDING template. */
    public void approve(String id, int version, String regulatorId) throws QueryRefusedException {
        transition(id, version, State.PENDING, State.APPROVED, regulatorId);
    }

    /** Regulator rejects a PENDING template. */
    public void reject(String id, int version, String regulatorId) throws QueryRefusedException {
        transition(id, version, State.PENDING, State.REJECTED, regulatorId);
    }

    /** Regulator withdraws an APPROVED template; later requests are refused. */
    public void withdraw(String id, int version, String regulatorId) throws QueryRefusedException {
        transition(id, version, State.APPROVED, State.WITHDRAWN, regulatorId);
    }

    private void transition(String id, int version, State from, State to, String who) throws QueryRefusedException {
        if (who == null || who.isEmpty()) {
            throw new IllegalArgumentException("regulator id required");
        }
        String k = key(id, version);
        Entry e = entries.get(k);
        if (e == null) {
            throw new QueryRefusedException(Reason.UNKNOWN_TEMPLATE, "no template " + id + " v" + version);
        }
        if (e.state() != from || !entries.replace(k, e, new Entry(e.template(), to, who))) {
            throw new QueryRefusedException(
                    Reason.TEMPLATE_INVALID,
                    "template " + id + " v" + version + " is " + entries.get(k).state() + ", not " + from);
        }
    }

    /** The entry, if registered. */
    public Optional<Entry> get(String id, int version) {
        return Optional.ofNullable(entries.get(key(id, version)));
    }

    /**
     * The template if it is approved.
     *
     * @throws QueryRefusedException UNKNOWN_TEMPLATE or TEMPLATE_NOT_APPROVED
     */
    public QueryTemplate requireApproved(String id, int version) throws QueryRefusedException {
        Entry e = entries.get(key(id, version));
        if (e == null) {
            throw new QueryRefusedException(Reason.UNKNOWN_TEMPLATE, "no template " + id + " v" + version);
        }
        if (e.state() != State.APPROVED) {
            throw new QueryRefusedException(
                    Reason.TEMPLATE_NOT_APPROVED,
                    "template " + id + " v" + version + " is "
                            + e.state().name().toLowerCase(Locale.ROOT) + ", only approved templates run");
        }
        return e.template();
    }
}
