package org.medshare.service.queries.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.medshare.ledger.event.DataUseRules;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.identity.Caller;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.queries.DataUseRule;
import org.medshare.service.queries.persistence.QueryRepository;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * Hospitals' data-use rules: which purposes and templates (by id, or exactly by content hash) may use a hospital's
 * records. Default deny: a hospital without a rule for a query's purpose and template contributes no record to it.
 */
@ApplicationScoped
public class DataUseService {

    private final QueryRepository repository;
    private final LedgerService ledger;
    private final Clock clock = Clock.systemUTC();

    @Inject
    DataUseService(QueryRepository repository, LedgerService ledger) {
        this.repository = repository;
        this.ledger = ledger;
    }

    /**
     * Replaces the caller hospital's data-use rules with {@code rules}, each written as {@link DataUseRule} documents
     * ({@code purpose/templateId}, {@code purpose/*} or {@code purpose/sha256:<content hash>}). When the rules in force change, the change is committed and then appended to the ledger
     * as DATA_USE_RULES_CHANGED carrying every rule now in force; replacing rules with the same set appends nothing.
     *
     * @return the rules now in force, as {@code purpose/template}, sorted
     * @throws RequestRefusedException 400 {@code invalid-rule} for a rule of another form, 400 {@code duplicate-rule}
     *                                 for a rule given twice; the rules in force are then unchanged
     */
    public Set<String> replace(Caller hospital, List<String> rules) {
        Set<DataUseRule> parsed = new LinkedHashSet<>();
        for (String text : rules) {
            DataUseRule rule = DataUseRule.parse(text)
                    .orElseThrow(() -> RequestRefusedException.invalid(
                            "invalid-rule",
                            "Invalid data-use rule",
                            "Each rule is purpose/templateId, purpose/* or purpose/sha256:<the template's content hash,"
                                    + " 64 lower-case hex digits>, e.g. insurance-stats/count-by-age-sex."));
            if (!parsed.add(rule)) {
                throw RequestRefusedException.invalid(
                        "duplicate-rule",
                        "Duplicate data-use rule",
                        "The rule " + rule + " is given more than once; give each rule once.");
            }
        }
        Set<String> before = rules(hospital);
        Set<String> after = QuarkusTransaction.requiringNew().call(() -> {
            repository.replaceDataUseRules(hospital.organisation(), parsed);
            return written(repository.dataUseRules(hospital.organisation()));
        });
        if (!after.equals(before)) {
            ledger.append(Event.builder(EventType.DATA_USE_RULES_CHANGED)
                    .timestamp(clock.millis())
                    .id(Field.ACTOR, hospital.organisation())
                    .data(Field.RULES, DataUseRules.encode(after))
                    .build());
        }
        return after;
    }

    /** The caller hospital's rules as {@code purpose/template}, sorted. */
    public Set<String> rules(Caller hospital) {
        return written(QuarkusTransaction.requiringNew().call(() -> repository.dataUseRules(hospital.organisation())));
    }

    /**
     * Every numbered hospital's rules: hospital number → rules as {@link DataUseRule} writes them.
     *
     * @param hospitalNumbers organisation → hospital number; organisations not in it are left out
     */
    Map<Integer, Set<String>> byHospitalNumber(Map<String, Integer> hospitalNumbers) {
        Map<Integer, Set<String>> dataUse = new TreeMap<>();
        QuarkusTransaction.requiringNew().call(repository::allDataUseRules).forEach((organisation, rules) -> {
            Integer number = hospitalNumbers.get(organisation);
            if (number != null) {
                dataUse.computeIfAbsent(number, n -> new TreeSet<>()).addAll(written(rules));
            }
        });
        return dataUse;
    }

    private static Set<String> written(Iterable<DataUseRule> rules) {
        Set<String> out = new TreeSet<>();
        rules.forEach(r -> out.add(r.toString()));
        return out;
    }
}
