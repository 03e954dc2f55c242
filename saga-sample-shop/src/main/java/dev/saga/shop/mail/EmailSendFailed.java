package dev.saga.shop.mail;

/** The mail server failed to acknowledge a send (injected AFTER the mail was written); retried. */
public class EmailSendFailed extends RuntimeException {

    public EmailSendFailed(String message) {
        super(message);
    }
}
