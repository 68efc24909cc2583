package org.medshare.archfixture.service.records.persistence;

import org.medshare.archfixture.service.records.service.HttpAwareService;

/** Breaks "persistence never calls services or the REST layer". */
public class UpwardRepository {
    public Object status() {
        return new HttpAwareService().refuse();
    }
}
