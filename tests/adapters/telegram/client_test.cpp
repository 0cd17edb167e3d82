#include "adapters/telegram/client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace mc::telegram {
namespace {

using Status = core::SendOutcome::Status;
using std::chrono::milliseconds;
using std::chrono::seconds;

const ApiCall kToUser{"sendMessage", {{"chat_id", 5551234}, {"text", "x"}, {"parse_mode", "HTML"}}};
const ApiCall kToGroup{"sendMessage", {{"chat_id", -1001234567890}, {"text", "x"}}};
const ApiCall kEdit{"editMessageText", {{"chat_id", 5551234}, {"message_id", 77}, {"text", "x"}}};

struct Case {
  const char* name;
  ApiCall call;
  unsigned status;
  std::string body;
  std::string retry_after_header;
  Status want;
  milliseconds retry_after{0};
  std::string reason;  ///< expected reason, exactly
};

std::string error(int code, const std::string& description, const std::string& extra = "") {
  return R"({"ok":false,"error_code":)" + std::to_string(code) + R"(,"description":")" +
         description + "\"" + extra + "}";
}

// Answers as the Bot API gives them (https://core.telegram.org/bots/api#making-requests and the
// error texts bots meet in practice).
TEST(TelegramClientOutcome, MapsBotApiAnswers) {
  const Case cases[] = {
      {"ok", kToUser, 200,
       R"({"ok":true,"result":{"message_id":5,"date":1,"chat":{"id":5551234,"type":"private"}}})",
       "", Status::sent, milliseconds(0), ""},
      {"ok true wins whatever the status", kToUser, 202, R"({"ok":true,"result":true})", "",
       Status::sent, milliseconds(0), ""},
      {"429 with parameters.retry_after", kToUser, 429,
       error(429, "Too Many Requests: retry after 35", R"(,"parameters":{"retry_after":35})"), "3",
       Status::retry_after, seconds(35), "Too Many Requests: retry after 35"},
      {"429 falls back to the Retry-After header", kToUser, 429, error(429, "Too Many Requests"),
       " 7 ", Status::retry_after, seconds(7), "Too Many Requests"},
      {"429 with an HTTP-date header falls back to 1 s", kToUser, 429,
       error(429, "Too Many Requests"), "Wed, 21 Oct 2026 07:28:00 GMT", Status::retry_after,
       seconds(1), "Too Many Requests"},
      {"429 with nothing: 1 s", kToUser, 429, "", "", Status::retry_after, seconds(1), "HTTP 429"},
      {"error_code 429 behind another status", kToUser, 400,
       error(429, "Too Many Requests", R"(,"parameters":{"retry_after":2})"), "",
       Status::retry_after, seconds(2), "Too Many Requests"},
      {"500", kToUser, 500, error(500, "Internal Server Error"), "", Status::transient,
       milliseconds(0), "Internal Server Error"},
      {"502 from a proxy, not JSON", kToUser, 502, "<html>Bad Gateway</html>", "",
       Status::transient, milliseconds(0), "HTTP 502"},
      {"blocked", kToUser, 403, error(403, "Forbidden: bot was blocked by the user"), "",
       Status::unreachable, milliseconds(0), "Forbidden: bot was blocked by the user"},
      {"deactivated", kToUser, 403, error(403, "Forbidden: user is deactivated"), "",
       Status::unreachable, milliseconds(0), "Forbidden: user is deactivated"},
      {"kicked", kToGroup, 403, error(403, "Forbidden: bot was kicked from the supergroup chat"),
       "", Status::unreachable, milliseconds(0),
       "Forbidden: bot was kicked from the supergroup chat"},
      {"never started", kToUser, 403,
       error(403, "Forbidden: bot can't initiate conversation with a user"), "",
       Status::unreachable, milliseconds(0),
       "Forbidden: bot can't initiate conversation with a user"},
      {"other 403", kToUser, 403, error(403, "Forbidden: bot can't send messages to bots"), "",
       Status::permanent, milliseconds(0), "Forbidden: bot can't send messages to bots"},
      {"private chat not found", kToUser, 400, error(400, "Bad Request: chat not found"), "",
       Status::unreachable, milliseconds(0), "Bad Request: chat not found"},
      {"group chat not found is our mistake", kToGroup, 400,
       error(400, "Bad Request: chat not found"), "", Status::permanent, milliseconds(0),
       "Bad Request: chat not found"},
      {"not modified counts as sent", kEdit, 400,
       error(400,
             "Bad Request: message is not modified: specified new message content and reply "
             "markup are exactly the same as a current content and reply markup of the message"),
       "", Status::sent, milliseconds(0), ""},
      {"bad HTML", kToUser, 400,
       error(400,
             "Bad Request: can't parse entities: Unsupported start tag \\\"x\\\" at byte "
             "offset 0"),
       "", Status::permanent, milliseconds(0),
       "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0"},
      {"message to edit not found", kEdit, 400,
       error(400, "Bad Request: message to edit not found"), "", Status::permanent, milliseconds(0),
       "Bad Request: message to edit not found"},
      {"wrong token", kToUser, 401, error(401, "Unauthorized"), "", Status::permanent,
       milliseconds(0), "Unauthorized"},
      {"404 without JSON", kToUser, 404, "Not Found", "", Status::permanent, milliseconds(0),
       "unreadable answer, HTTP 404"},
      {"200 without JSON", kToUser, 200, "<html>captive portal</html>", "", Status::transient,
       milliseconds(0), "unreadable answer, HTTP 200"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const core::SendOutcome out = outcome_of(c.call, c.status, c.body, c.retry_after_header);
    EXPECT_EQ(static_cast<int>(out.status), static_cast<int>(c.want)) << out.reason;
    EXPECT_EQ(out.retry_after, c.retry_after);
    EXPECT_EQ(out.reason, c.reason);
    EXPECT_EQ(out.parts_done, 0);
  }
}

}  // namespace
}  // namespace mc::telegram
