package io.vaas.virtual;

/** A class loader that knows the app its classes belong to: how rewritten code finds its app from its own class. */
public interface ContextCarrier {

    /** The app context of every class this loader defines. */
    AppContext appContext();
}
