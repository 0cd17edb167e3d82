#include "tests/support/http_call.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace mc::test {

HttpResult http_call(boost::beast::http::verb method, const std::string& url, std::string body,
                     std::vector<std::pair<std::string, std::string>> headers,
                     std::string content_type, std::chrono::milliseconds timeout) {
  boost::asio::io_context ioc;
  http::Client client(ioc.get_executor());
  http::ClientRequest req;
  req.method = method;
  req.url = url;
  req.body = std::move(body);
  req.headers = std::move(headers);
  req.content_type = std::move(content_type);
  req.timeout = timeout;
  HttpResult result;
  boost::asio::co_spawn(ioc, client.request(std::move(req)),
                        [&](std::exception_ptr e, boost::system::result<http::ClientResponse> r) {
                          if (e) {
                            result.error = "exception";
                          } else if (!r) {
                            result.error = r.error().message();
                          } else {
                            result.ok = true;
                            result.status = r->status;
                            result.body = std::move(r->body);
                            result.headers = std::move(r->headers);
                          }
                          client.close();
                        });
  ioc.run();
  return result;
}

}  // namespace mc::test
