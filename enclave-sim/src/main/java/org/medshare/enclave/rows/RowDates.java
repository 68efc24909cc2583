package org.medshare.enclave.rows;

import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;

/**
 * The dates of a row, read from FHIR dates and dateTimes as written, in the resource's own time zone (a visit on the
 * 31st at 23:30 -05:00 stays in that month; nothing is converted to UTC). Every method either returns a value within
 * the row's ranges or throws {@link RowSkipped} with the reason.
 */
final class RowDates {
    private RowDates() {}

    /**
     * The service month {@code yyyymm} of a Claim: {@code billablePeriod.start}, else the first item's serviced date or
     * serviced period start, else {@code created}.
     *
     * @throws RowSkipped if it has none of them, or the first present has no month or is outside {@link ServiceMonth}
     */
    static int serviceMonth(Claim c) throws RowSkipped {
        return yyyymm(claimDate(c));
    }

    /**
     * The service month {@code yyyymm} of an Encounter: {@code period.start}, else {@code period.end}, else the first
     * {@code statusHistory.period.start}.
     *
     * @throws RowSkipped if it has none of them, or the first present has no month or is outside {@link ServiceMonth}
     */
    static int serviceMonth(Encounter e) throws RowSkipped {
        return yyyymm(encounterDate(e));
    }

    /**
     * The {@link AgeBand} of a Patient on the first day of the service month {@code yyyymm}, from its
     * {@code birthDate} as a year (born January 1st), year-month (born on the 1st) or full date; {@link
     * AgeBand#UNKNOWN} without a birth date.
     *
     * @throws RowSkipped if the Patient was born after that day
     */
    static int ageBand(Patient p, int yyyymm) throws RowSkipped {
        if (!p.hasBirthDateElement() || p.getBirthDateElement().getValueAsString() == null) {
            return AgeBand.UNKNOWN;
        }
        String bd = p.getBirthDateElement().getValueAsString();
        int by = Integer.parseInt(bd.substring(0, 4));
        int bm = bd.length() >= 7 ? Integer.parseInt(bd.substring(5, 7)) : 1;
        int bday = bd.length() >= 10 ? Integer.parseInt(bd.substring(8, 10)) : 1;
        int sy = yyyymm / 100;
        int sm = yyyymm % 100;
        int age = sy - by - ((sm < bm || (sm == bm && bday > 1)) ? 1 : 0);
        if (age < 0) {
            throw new RowSkipped("its Patient was born after the service month " + yyyymm / 100 + "-"
                    + String.format("%02d", yyyymm % 100));
        }
        return AgeBand.ofAge(age);
    }

    private static String claimDate(Claim c) throws RowSkipped {
        if (c.hasBillablePeriod() && c.getBillablePeriod().hasStart()) {
            return c.getBillablePeriod().getStartElement().getValueAsString();
        }
        for (Claim.ItemComponent item : c.getItem()) {
            if (item.hasServicedDateType()) {
                return item.getServicedDateType().getValueAsString();
            }
            if (item.hasServicedPeriod() && item.getServicedPeriod().hasStart()) {
                return item.getServicedPeriod().getStartElement().getValueAsString();
            }
        }
        if (c.hasCreated()) {
            return c.getCreatedElement().getValueAsString();
        }
        throw new RowSkipped("it has no billablePeriod.start, item serviced date or created date");
    }

    private static String encounterDate(Encounter e) throws RowSkipped {
        if (e.hasPeriod() && e.getPeriod().hasStart()) {
            return e.getPeriod().getStartElement().getValueAsString();
        }
        if (e.hasPeriod() && e.getPeriod().hasEnd()) {
            return e.getPeriod().getEndElement().getValueAsString();
        }
        for (Encounter.StatusHistoryComponent h : e.getStatusHistory()) {
            if (h.hasPeriod() && h.getPeriod().hasStart()) {
                return h.getPeriod().getStartElement().getValueAsString();
            }
        }
        throw new RowSkipped("it has no date (no period.start, period.end or statusHistory.period.start)");
    }

    /** {@code yyyymm} of a FHIR date or dateTime as written. */
    private static int yyyymm(String fhirDate) throws RowSkipped {
        if (fhirDate == null || fhirDate.length() < 7 || fhirDate.charAt(4) != '-') {
            throw new RowSkipped(
                    "its service date " + (fhirDate == null ? "" : "'" + fhirDate + "' ") + "has no month");
        }
        int v;
        try {
            v = Integer.parseInt(fhirDate.substring(0, 4)) * 100 + Integer.parseInt(fhirDate.substring(5, 7));
        } catch (NumberFormatException e) {
            throw new RowSkipped("its service date '" + fhirDate + "' is unreadable");
        }
        if (!ServiceMonth.isValid(v)) {
            throw new RowSkipped("its service month " + fhirDate.substring(0, 7) + " is outside 1900-01..2070-08");
        }
        return v;
    }
}
