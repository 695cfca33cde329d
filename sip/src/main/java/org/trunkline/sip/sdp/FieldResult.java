package org.trunkline.sip.sdp;

/**
 * The outcome of reading one field value ({@code o=}, {@code c=}, {@code m=}): the value, or the
 * error kind with the offset into the value where it went wrong. The parser turns the offset into a
 * column.
 */
sealed interface FieldResult<T> {

  record Ok<T>(T value) implements FieldResult<T> {}

  record Bad<T>(SdpError.Kind kind, int offset, String message) implements FieldResult<T> {}

  static <T> FieldResult<T> ok(T value) {
    return new Ok<>(value);
  }

  static <T> FieldResult<T> bad(SdpError.Kind kind, int offset, String message) {
    return new Bad<>(kind, offset, message);
  }

  /** The value of a field already validated by the parser or a constructor. */
  default T value() {
    if (this instanceof Ok<T> ok) {
      return ok.value();
    }
    throw new IllegalStateException("field was validated but does not parse: " + this);
  }
}
