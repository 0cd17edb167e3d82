// The app manifest (adapters/slack/manifest.json) an operator pastes into "Create an app":
// it must be valid JSON and ask for exactly what the code uses, no more.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "adapters/slack/parse.hpp"
#include "adapters/slack/render.hpp"

namespace mc::slack {
namespace {

using nlohmann::json;

json manifest() {
  std::ifstream in(MC_SOURCE_DIR "/adapters/slack/manifest.json");
  if (!in) throw std::runtime_error("adapters/slack/manifest.json missing");
  return json::parse(in);  // throws (fails the test) when it is not JSON
}

std::set<std::string> strings(const json& array) {
  std::set<std::string> out;
  for (const json& s : array) out.insert(s.get<std::string>());
  return out;
}

// The scope each thing the bot does needs (https://docs.slack.dev/reference/scopes).
std::set<std::string> scopes_used() {
  std::set<std::string> methods;
  core::Outbound m;
  m.learner = "slack:T1:U1";
  m.to = {"slack:T1", "D1"};
  m.body = {core::paragraph("x")};
  m.keyboard = {{{"b", "d"}}};
  for (auto kind : {core::Outbound::Kind::send, core::Outbound::Kind::edit,
                    core::Outbound::Kind::ack, core::Outbound::Kind::home}) {
    m.kind = kind;
    m.ref = "1.2";
    for (const ApiCall& call : render(m)) methods.insert(call.method);
  }
  methods.insert("users.info");  // the learner's time zone
  methods.insert("auth.test");   // start-up check of the token
  const std::map<std::string, std::string> method_scope = {{"chat.postMessage", "chat:write"},
                                                           {"chat.update", "chat:write"},
                                                           {"users.info", "users:read"},
                                                           {"views.publish", ""},
                                                           {"auth.test", ""}};
  const std::map<std::string, std::string> event_scope = {{"message.im", "im:history"},
                                                          {"app_home_opened", ""}};
  std::set<std::string> scopes{"commands"};  // the slash command
  for (const std::string& method : methods) {
    auto it = method_scope.find(method);
    if (it == method_scope.end()) {
      ADD_FAILURE() << "the client calls " << method << ": add its scope here";
      continue;
    }
    if (!it->second.empty()) scopes.insert(it->second);
  }
  for (std::string_view event : kBotEvents) {
    const std::string scope = event_scope.at(std::string(event));
    if (!scope.empty()) scopes.insert(scope);
  }
  return scopes;
}

TEST(SlackManifest, AsksForExactlyWhatTheCodeUses) {
  const json m = manifest();
  EXPECT_EQ(strings(m["oauth_config"]["scopes"]["bot"]), scopes_used());
  EXPECT_FALSE(m["oauth_config"]["scopes"].contains("user")) << "no user scopes";

  std::set<std::string> events;
  for (std::string_view e : kBotEvents) events.insert(std::string(e));
  EXPECT_EQ(strings(m["settings"]["event_subscriptions"]["bot_events"]), events);
}

TEST(SlackManifest, UrlsPointAtTheBotsEndpoints) {
  const json m = manifest();
  const std::string host = "https://YOUR-HOST";
  EXPECT_EQ(m["settings"]["event_subscriptions"]["request_url"], host + std::string(kEventsPath));
  EXPECT_EQ(m["settings"]["interactivity"]["request_url"], host + std::string(kInteractivityPath));
  EXPECT_EQ(m["settings"]["interactivity"]["is_enabled"], true);
  ASSERT_EQ(m["features"]["slash_commands"].size(), 1u);
  const json& command = m["features"]["slash_commands"][0];
  EXPECT_EQ(command["command"], "/learn");
  EXPECT_EQ(command["url"], host + std::string(kCommandsPath));
  EXPECT_EQ(command["should_escape"], false);
  EXPECT_EQ(m["settings"]["socket_mode_enabled"], false);
}

TEST(SlackManifest, AppHomeHasBothTabs) {
  const json m = manifest();
  const json& home = m["features"]["app_home"];
  EXPECT_EQ(home["home_tab_enabled"], true);
  EXPECT_EQ(home["messages_tab_enabled"], true);
  EXPECT_EQ(home["messages_tab_read_only_enabled"], false) << "learners type in the DM";
  EXPECT_FALSE(m["features"]["bot_user"]["display_name"].get<std::string>().empty());
  EXPECT_FALSE(m["display_information"]["name"].get<std::string>().empty());
}

}  // namespace
}  // namespace mc::slack
