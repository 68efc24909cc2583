package org.medshare.service.queries.service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.medshare.service.queries.DataUseRule;
import org.medshare.service.queries.persistence.TemplateEntity;
import org.medshare.service.records.service.RecordService.StatisticsInput;

/**
 * What an approved query runs over: the visible records its purpose may open, each with the number of the hospital
 * that uploaded it and where its encrypted rows are stored (read only when the enclave asks for them). A record of
 * an organisation that has no hospital number is not an input.
 *
 * @param records         the enclave's inputs, oldest record first
 * @param hospitalNumbers organisation → hospital number
 * @param stored          record id → the input as stored (its organisation and the CID of its rows), for every input
 */
record QueryInputs(
        List<StatisticsRunner.Input> records,
        Map<String, Integer> hospitalNumbers,
        Map<String, StatisticsInput> stored) {

    QueryInputs {
        records = List.copyOf(records);
        hospitalNumbers = Map.copyOf(hospitalNumbers);
        stored = Map.copyOf(stored);
    }

    /** The inputs among {@code stored}, numbered by {@code hospitalsByNumber} (hospital number → organisation). */
    static QueryInputs of(List<StatisticsInput> stored, Map<Integer, String> hospitalsByNumber) {
        Map<String, Integer> numbers = new TreeMap<>();
        hospitalsByNumber.forEach((number, organisation) -> numbers.put(organisation, number));
        List<StatisticsRunner.Input> inputs = new ArrayList<>();
        Map<String, StatisticsInput> byRecord = new HashMap<>();
        for (StatisticsInput input : stored) {
            Integer number = numbers.get(input.organisation());
            if (number != null) {
                inputs.add(new StatisticsRunner.Input(input.recordId(), number));
                byRecord.put(input.recordId(), input);
            }
        }
        return new QueryInputs(inputs, numbers, byRecord);
    }

    /** The CID of the encrypted rows of input {@code recordId}. */
    String rowsCidOf(String recordId) {
        return stored.get(recordId).rowsCid();
    }

    int size() {
        return records.size();
    }

    /**
     * The organisations that uploaded at least one input and whose data-use rules ({@code dataUse}, hospital number →
     * rules as {@link DataUseRule} writes them) let {@code template} read it: the hospitals the enclave may read
     * records of.
     */
    SortedSet<String> hospitalsPermitting(Map<Integer, Set<String>> dataUse, TemplateEntity template) {
        SortedSet<String> out = new TreeSet<>();
        for (String organisation : organisations()) {
            Set<String> rules = dataUse.getOrDefault(hospitalNumbers.get(organisation), Set.of());
            if (DataUseRule.anyAllows(rules, template.purpose(), template.templateId(), template.hash())) {
                out.add(organisation);
            }
        }
        return out;
    }

    /** The hospital numbers of {@code organisations} that uploaded an input. */
    SortedSet<Integer> numbersOf(Collection<String> organisations) {
        SortedSet<Integer> out = new TreeSet<>();
        organisations.stream()
                .map(hospitalNumbers::get)
                .filter(Objects::nonNull)
                .forEach(out::add);
        return out;
    }

    /** The organisation numbered {@code hospitalNumber}. */
    String organisationOf(int hospitalNumber) {
        return organisationNumbered(hospitalNumber).orElseThrow();
    }

    /**
     * {@code text} with every "hospital N" whose number is an input hospital's replaced by that organisation's id: the
     * enclave knows hospitals by number, its readers by name.
     */
    String naming(String text) {
        Matcher m = HOSPITAL_NUMBER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String named = organisationNumbered(Integer.parseInt(m.group(1))).orElse(m.group());
            m.appendReplacement(out, Matcher.quoteReplacement(named));
        }
        return m.appendTail(out).toString();
    }

    private static final Pattern HOSPITAL_NUMBER = Pattern.compile("\\bhospital (\\d{1,5})\\b");

    private Optional<String> organisationNumbered(int hospitalNumber) {
        return hospitalNumbers.entrySet().stream()
                .filter(e -> e.getValue() == hospitalNumber)
                .map(Map.Entry::getKey)
                .findFirst();
    }

    /** How many of {@code usedRecordIds} each organisation contributed; ids that were not inputs are ignored. */
    Map<String, Long> recordsPerOrganisation(Collection<String> usedRecordIds) {
        Map<String, Long> used = new TreeMap<>();
        for (String recordId : usedRecordIds) {
            StatisticsInput input = stored.get(recordId);
            if (input != null) {
                used.merge(input.organisation(), 1L, Long::sum);
            }
        }
        return used;
    }

    /** How many inputs each organisation uploaded. */
    Map<String, Long> recordsPerOrganisation() {
        return recordsPerOrganisation(stored.keySet());
    }

    /** The organisations that uploaded at least one input. */
    private Set<String> organisations() {
        Set<String> out = new TreeSet<>();
        stored.values().forEach(input -> out.add(input.organisation()));
        return out;
    }
}
