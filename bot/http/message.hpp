#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace mc::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

/// A response with `status`, a body and its content type; keep-alive follows the request.
Response make_response(const Request& req, boost::beast::http::status status, std::string body,
                       std::string_view content_type = "text/plain; charset=utf-8");
/// {"ok":false,"error":"<message>"} with the given status.
Response json_error(const Request& req, boost::beast::http::status status,
                    std::string_view message);

}  // namespace mc::http
