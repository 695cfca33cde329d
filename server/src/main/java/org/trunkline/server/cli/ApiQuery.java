package org.trunkline.server.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The filters of a listing command ({@code cdr}, {@code trace list}) as the query of its API
 * request, and the list in the API's answer.
 */
final class ApiQuery {
  private final List<String> params = new ArrayList<>();

  /** Adds {@code name=value}, encoded, unless {@code value} is null. */
  ApiQuery add(String name, Object value) {
    if (value != null) {
      // URLEncoder writes a form: its '+' is a space, which a query spells %20.
      String v = URLEncoder.encode(value.toString(), StandardCharsets.UTF_8).replace("+", "%20");
      params.add(name + "=" + v);
    }
    return this;
  }

  /** {@code ?a=1&b=2}, or "" without filters. */
  @Override
  public String toString() {
    return params.isEmpty() ? "" : "?" + String.join("&", params);
  }

  /**
   * The list {@code key} of a listing API's answer.
   *
   * @throws ApiClient.Failure when the API refused a filter (400: its message names the parameter
   *     as the command names its option, so it is given as {@code --name: ...}) or answered
   *     otherwise than with that list
   */
  static List<?> list(ApiClient.Reply reply, String key) throws ApiClient.Failure {
    if (reply.status() == 400 && reply.get("error") instanceof String problem) {
      throw new ApiClient.Failure(
          problem.matches("[a-z-]+: .*") ? "--" + problem : problem,
          TrunklineCommand.EXIT_NO_SERVER);
    }
    if (reply.status() != 200 || !(reply.get(key) instanceof List<?> list)) {
      throw new ApiClient.Failure(
          "unexpected answer from the server: HTTP " + reply.status() + " " + reply.body().strip(),
          TrunklineCommand.EXIT_FAILED);
    }
    return list;
  }
}
