package org.medshare.service.enclave;

import java.util.List;

/** A statistics runner whose enclave refuses every query, to install in place of the real one in a test. */
public final class RefusingStatisticsRunner extends EnclaveStatisticsRunner {

    public RefusingStatisticsRunner() {
        super(null, null);
    }

    @Override
    public Outcome run(Job job, List<Input> inputs, RowsSource rows) throws RefusedException {
        throw new RefusedException("the enclave refused the query (test)");
    }
}
