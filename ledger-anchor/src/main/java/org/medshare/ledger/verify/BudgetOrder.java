package org.medshare.ledger.verify;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;

/**
 * The privacy budgets re-added from the log's first entry. Every hospital's dataset has an ε budget per period that
 * all insurers' queries draw on together, and every insurer has its own budget over all time (period {@value
 * #INSURER_PERIOD}); {@code spent(o, p)} is the sum of the {@code EPSILON} of the BUDGET_CHARGED events of organisation
 * {@code o} in period {@code p} less that of their BUDGET_REFUNDED events. A query's insurer is the {@code ACTOR} of its
 * QUERY_SUBMITTED. An event breaks the rules when:
 *
 * <ol>
 *   <li>a BUDGET_CHARGED's {@code PERIOD} is neither {@value #INSURER_PERIOD} nor {@code YYYY}, {@code YYYY-MM} or
 *       {@code YYYY-MM-DD}, or its {@code EPSILON} is 0;</li>
 *   <li>a BUDGET_CHARGED for {@value #INSURER_PERIOD} names another organisation than the query's insurer, or a
 *       BUDGET_CHARGED to a hospital's period comes before the charge of the query's insurer (a query pays from its
 *       insurer's budget first);</li>
 *   <li>a BUDGET_CHARGED's query has no earlier QUERY_APPROVED with the same {@code QUERY_HASH};</li>
 *   <li>a BUDGET_CHARGED names a query and hospital that an earlier BUDGET_CHARGED named (a query charges each
 *       hospital once);</li>
 *   <li>a BUDGET_CHARGED's {@code BUDGET_LIMIT} differs from that of the first charge of the same hospital and
 *       period (a period's limit is fixed at its first charge);</li>
 *   <li>a BUDGET_CHARGED makes {@code spent(h, p)} exceed its {@code BUDGET_LIMIT};</li>
 *   <li>a BUDGET_CHARGED or BUDGET_REFUNDED follows a COMPUTE of its query (charges precede the computation, and only
 *       a computation that did not happen is refunded);</li>
 *   <li>a BUDGET_REFUNDED does not repeat every field of an earlier BUDGET_CHARGED of the same query and hospital
 *       that no earlier BUDGET_REFUNDED gave back;</li>
 *   <li>a COMPUTE follows a BUDGET_REFUNDED of its query.</li>
 * </ol>
 *
 * Not thread-safe; one instance per pass over a log.
 */
final class BudgetOrder {
    private static final Pattern PERIOD = Pattern.compile("\\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\\d|3[01]))?)?");

    /** The period of an insurer's own budget, which spans all time. */
    static final String INSURER_PERIOD = "total";

    private final Map<String, String> insurers = new HashMap<>();
    private final Map<String, byte[]> approved = new HashMap<>();
    private final Set<String> computed = new HashSet<>();
    private final Set<String> refundedQueries = new HashSet<>();
    private final Map<String, Event> charges = new HashMap<>();
    private final Set<String> refundedCharges = new HashSet<>();
    private final Map<String, Long> spent = new HashMap<>();
    private final Map<String, Long> limits = new HashMap<>();

    /**
     * Takes the next event of the log.
     *
     * @return why the event breaks the rules, or null if it keeps them
     */
    String accept(Event event) {
        return switch (event.type()) {
            case QUERY_SUBMITTED -> {
                insurers.putIfAbsent(event.id(Field.QUERY_ID), event.id(Field.ACTOR));
                yield null;
            }
            case QUERY_APPROVED -> {
                approved.putIfAbsent(event.id(Field.QUERY_ID), event.hash(Field.QUERY_HASH));
                yield null;
            }
            case COMPUTE -> {
                String query = event.id(Field.QUERY_ID);
                computed.add(query);
                yield refundedQueries.contains(query) ? "COMPUTE of " + query + " after its budget was refunded" : null;
            }
            case BUDGET_CHARGED -> charge(event);
            case BUDGET_REFUNDED -> refund(event);
            default -> null;
        };
    }

    /** The number of BUDGET_CHARGED events taken. */
    int charges() {
        return charges.size();
    }

    private String charge(Event event) {
        String query = event.id(Field.QUERY_ID);
        String hospital = event.id(Field.ORGANISATION);
        String period = event.id(Field.PERIOD);
        long epsilon = event.amount(Field.EPSILON);
        long limit = event.amount(Field.BUDGET_LIMIT);
        String what = "BUDGET_CHARGED of " + query + " to " + hospital + " for " + period;
        boolean insurersOwn = period.equals(INSURER_PERIOD);
        if (!insurersOwn && !PERIOD.matcher(period).matches()) {
            return what + ": the period is neither " + INSURER_PERIOD + " nor YYYY, YYYY-MM or YYYY-MM-DD";
        }
        if (epsilon == 0) {
            return what + " charges no epsilon";
        }
        byte[] approvedHash = approved.get(query);
        if (approvedHash == null) {
            return what + " without an earlier QUERY_APPROVED of the query";
        }
        if (!Arrays.equals(approvedHash, event.hash(Field.QUERY_HASH))) {
            return what + " names another query hash than its QUERY_APPROVED";
        }
        if (computed.contains(query)) {
            return what + " after the query's COMPUTE";
        }
        String insurer = insurers.get(query);
        if (insurersOwn && !hospital.equals(insurer)) {
            return what + ": only the query's insurer ("
                    + (insurer == null ? "no QUERY_SUBMITTED names one" : insurer) + ") is charged for "
                    + INSURER_PERIOD;
        }
        if (!insurersOwn && !charges.containsKey(query + "|" + insurer)) {
            return what + " before the query's insurer was charged";
        }
        String key = query + "|" + hospital;
        if (charges.containsKey(key)) {
            return what + ", which the query already charged";
        }
        String budget = hospital + "|" + period;
        Long fixed = limits.get(budget);
        if (fixed != null && fixed != limit) {
            return what + " names limit " + limit + " but the period's limit is " + fixed;
        }
        long before = spent.getOrDefault(budget, 0L);
        if (epsilon > limit - before) {
            return what + " spends " + epsilon + " micro-epsilon with " + before + " of " + limit + " already spent";
        }
        limits.put(budget, limit);
        spent.put(budget, before + epsilon);
        charges.put(key, event);
        return null;
    }

    private String refund(Event event) {
        String query = event.id(Field.QUERY_ID);
        String hospital = event.id(Field.ORGANISATION);
        String key = query + "|" + hospital;
        String what = "BUDGET_REFUNDED of " + query + " to " + hospital;
        Event charge = charges.get(key);
        if (charge == null || refundedCharges.contains(key)) {
            return what + " without an outstanding BUDGET_CHARGED of the query to the hospital";
        }
        for (Field f : EventType.BUDGET_CHARGED.fields()) {
            boolean same = switch (f.kind()) {
                case HASH -> Arrays.equals(charge.hash(f), event.hash(f));
                case ID -> charge.id(f).equals(event.id(f));
                case AMOUNT -> charge.amount(f) == event.amount(f);
                case DATA -> Arrays.equals(charge.data(f), event.data(f));
            };
            if (!same) {
                return what + " differs from its BUDGET_CHARGED in " + f;
            }
        }
        if (computed.contains(query)) {
            return what + " after the query's COMPUTE";
        }
        refundedCharges.add(key);
        refundedQueries.add(query);
        spent.merge(hospital + "|" + event.id(Field.PERIOD), -event.amount(Field.EPSILON), Long::sum);
        return null;
    }
}
