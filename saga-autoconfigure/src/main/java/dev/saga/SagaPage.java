package dev.saga;

import java.util.List;

/**
 * A page of sagas, newest first.
 *
 * @param sagas the sagas on this page
 * @param page the page, from 0
 * @param size the page size asked for
 * @param total how many sagas match the query in all
 */
public record SagaPage(List<SagaView> sagas, int page, int size, long total) {

    public SagaPage {
        sagas = List.copyOf(sagas);
    }
}
