package org.trunkline.stack.transaction;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.trunkline.sip.SipMessage;

/** A TU that records what it was told and does what the test scripts in {@link #onRequest}. */
final class RecordingUser implements TransactionUser {
  final List<ServerTransaction> requests = new ArrayList<>();
  final List<SipMessage> responses = new ArrayList<>();
  final List<Transaction> timeouts = new ArrayList<>();
  final List<String> transportErrors = new ArrayList<>();
  final List<SipMessage> cancels = new ArrayList<>();
  final List<SipMessage> acks = new ArrayList<>();
  final List<SipMessage> strays = new ArrayList<>();

  /** What to do with a new request; by default nothing (the TU "forgets"). */
  BiConsumer<ServerTransaction, SipMessage> onRequest = (tx, m) -> {};

  /** What to do with a response; by default nothing. */
  BiConsumer<ClientTransaction, SipMessage> onResponse = (tx, m) -> {};

  boolean defaultCancel = true;

  /** The answer to give without a transaction; by default none (open one). */
  java.util.function.BiFunction<SipMessage, Peer, StatelessAnswer> stateless = (m, p) -> null;

  @Override
  public StatelessAnswer answerStateless(SipMessage request, Peer source) {
    return stateless.apply(request, source);
  }

  @Override
  public void onRequest(ServerTransaction tx, SipMessage request) {
    requests.add(tx);
    onRequest.accept(tx, request);
  }

  @Override
  public void onResponse(ClientTransaction tx, SipMessage response) {
    responses.add(response);
    onResponse.accept(tx, response);
  }

  @Override
  public void onTimeout(Transaction tx) {
    timeouts.add(tx);
  }

  @Override
  public void onTransportError(Transaction tx, String reason) {
    transportErrors.add(tx + ": " + reason);
  }

  @Override
  public void onCancel(ServerTransaction invite, SipMessage cancel) {
    cancels.add(cancel);
    if (defaultCancel) {
      TransactionUser.super.onCancel(invite, cancel);
    }
  }

  @Override
  public void onAck(ServerTransaction invite, SipMessage ack) {
    acks.add(ack);
  }

  @Override
  public void onStray(SipMessage message, Peer source) {
    strays.add(message);
  }

  List<Integer> statuses() {
    return responses.stream().map(SipMessage::status).toList();
  }
}
