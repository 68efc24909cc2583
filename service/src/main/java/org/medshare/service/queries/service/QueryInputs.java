package org.medshare.service.queries.service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.medshare.service.records.service.RecordService.StoredRows;

/**
 * What an approved query runs over: the encrypted rows of the visible records its purpose may open, each with
 * the number of the hospital that uploaded it. A record of an organisation that has no hospital number is not an
 * input.
 *
 * @param records         the enclave's inputs, oldest record first
 * @param hospitalNumbers organisation → hospital number
 * @param organisations   record id → uploading organisation, for every input
 */
record QueryInputs(
        List<StatisticsRunner.Input> records, Map<String, Integer> hospitalNumbers, Map<String, String> organisations) {

    QueryInputs {
        records = List.copyOf(records);
        hospitalNumbers = Map.copyOf(hospitalNumbers);
        organisations = Map.copyOf(organisations);
    }

    /** The inputs among {@code rows}, numbered by {@code hospitalsByNumber} (hospital number → organisation). */
    static QueryInputs of(List<StoredRows> rows, Map<Integer, String> hospitalsByNumber) {
        Map<String, Integer> numbers = new TreeMap<>();
        hospitalsByNumber.forEach((number, organisation) -> numbers.put(organisation, number));
        List<StatisticsRunner.Input> inputs = new ArrayList<>();
        Map<String, String> organisations = new TreeMap<>();
        for (StoredRows stored : rows) {
            Integer number = numbers.get(stored.organisation());
            if (number != null) {
                inputs.add(new StatisticsRunner.Input(stored.recordId(), number, stored.encryptedRows()));
                organisations.put(stored.recordId(), stored.organisation());
            }
        }
        return new QueryInputs(inputs, numbers, organisations);
    }

    int size() {
        return records.size();
    }

    /** The organisations that uploaded at least one input. */
    SortedSet<String> hospitalsUsed() {
        return new TreeSet<>(organisations.values());
    }

    /** How many of {@code usedRecordIds} each organisation contributed; ids that were not inputs are ignored. */
    Map<String, Long> recordsPerOrganisation(Collection<String> usedRecordIds) {
        Map<String, Long> used = new TreeMap<>();
        for (String recordId : usedRecordIds) {
            String organisation = organisations.get(recordId);
            if (organisation != null) {
                used.merge(organisation, 1L, Long::sum);
            }
        }
        return used;
    }
}
