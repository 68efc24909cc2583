package org.medshare.service.queries.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.medshare.service.identity.Caller;
import org.medshare.service.problem.RequestRefusedException;
import org.medshare.service.queries.persistence.QueryRepository;

/**
 * Hospitals' data-use rules: which purposes and templates may use a hospital's records. Default deny: a
 * hospital without a rule for a query's purpose and template contributes no record to it.
 */
@ApplicationScoped
public class DataUseService {

    private final QueryRepository repository;

    @Inject
    DataUseService(QueryRepository repository) {
        this.repository = repository;
    }

    /** Replaces the caller hospital's data-use rules: {@code purpose/templateId} or {@code purpose/*}. */
    public Set<String> replace(Caller hospital, List<String> rules) {
        Set<String[]> pairs = new LinkedHashSet<>();
        for (String rule : rules) {
            int slash = rule == null ? -1 : rule.indexOf('/');
            if (slash <= 0 || slash == rule.length() - 1
                    || !rule.matches("[A-Za-z0-9._-]{1,64}/([A-Za-z0-9._-]{1,64}|\\*)")) {
                throw RequestRefusedException.badRequest("invalid-rule", "Invalid data-use rule",
                        "Each rule is purpose/templateId or purpose/*, e.g. insurance-stats/count-by-age-sex.");
            }
            pairs.add(new String[] {rule.substring(0, slash), rule.substring(slash + 1)});
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            repository.replaceDataUseRules(hospital.organisation(), pairs);
            return repository.dataUseRules(hospital.organisation());
        });
    }

    /** The caller hospital's rules as {@code purpose/template}, sorted. */
    public Set<String> rules(Caller hospital) {
        return QuarkusTransaction.requiringNew().call(() -> repository.dataUseRules(hospital.organisation()));
    }

    /**
     * Every numbered hospital's rules, as the enclave takes them: hospital number → {@code purpose/template}.
     *
     * @param hospitalNumbers organisation → hospital number; organisations not in it are left out
     */
    Map<Integer, Set<String>> byHospitalNumber(Map<String, Integer> hospitalNumbers) {
        Map<Integer, Set<String>> dataUse = new TreeMap<>();
        for (Object[] rule : QuarkusTransaction.requiringNew().call(repository::allDataUseRules)) {
            Integer number = hospitalNumbers.get(rule[0].toString());
            if (number != null) {
                dataUse.computeIfAbsent(number, n -> new TreeSet<>()).add(rule[1] + "/" + rule[2]);
            }
        }
        return dataUse;
    }
}
