#include "bot/http/message.hpp"

#include <boost/beast/http/field.hpp>

namespace mc::http {
namespace {

namespace bhttp = boost::beast::http;

/// A JSON string literal body: quotes, backslashes and control characters escaped.
void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace

Response make_response(const Request& req, bhttp::status status, std::string body,
                       std::string_view content_type) {
  Response res{status, req.version()};
  res.set(bhttp::field::content_type, content_type);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response json_error(const Request& req, bhttp::status status, std::string_view message) {
  std::string body = R"({"ok":false,"error":)";
  append_json_string(body, message);
  body += '}';
  return make_response(req, status, std::move(body), "application/json; charset=utf-8");
}

}  // namespace mc::http
