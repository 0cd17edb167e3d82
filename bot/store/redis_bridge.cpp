#include "bot/store/redis_bridge.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <signal.h>

#include <mutex>

#include "bot/store/errors.hpp"

namespace mc::store::bridge {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

Reply copy_reply(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::array;
      out.elements.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i)
        out.elements.push_back(copy_reply(r->element[i]));
      break;
    default:
      out.type = Reply::Type::nil;
      break;
  }
  return out;
}

void ev_add_read(void* p) {
  auto* c = static_cast<Conn*>(p);
  c->want_read = true;
  c->arm_read();
}
void ev_del_read(void* p) { static_cast<Conn*>(p)->want_read = false; }
void ev_add_write(void* p) {
  auto* c = static_cast<Conn*>(p);
  c->want_write = true;
  c->arm_write();
}
void ev_del_write(void* p) { static_cast<Conn*>(p)->want_write = false; }
void ev_cleanup(void* p) {
  auto* c = static_cast<Conn*>(p);
  if (c->ac && c->ac->err && c->error.empty()) c->error = c->ac->errstr;
  c->ac = nullptr;
  c->want_read = c->want_write = false;
  // release(): the fd stays open for hiredis to close; outstanding waits complete as aborted.
  if (c->descriptor.is_open()) c->descriptor.release();
  c->signal.cancel();
}

struct CallRef {
  std::shared_ptr<Call> call;
  std::size_t index;
};

/// hiredis reply callback: privdata is a heap CallRef, freed here (hiredis calls every callback
/// exactly once: with the reply, or with a null reply when the context is freed).
void on_reply(redisAsyncContext*, void* reply, void* privdata) {
  std::unique_ptr<CallRef> ref(static_cast<CallRef*>(privdata));
  Call& call = *ref->call;
  if (call.finished || call.abandoned) return;
  if (reply == nullptr) {
    call.finish(Errc::connection_lost);
    return;
  }
  call.replies[ref->index] = copy_reply(static_cast<const redisReply*>(reply));
  if (--call.remaining == 0) call.finish({});
}

}  // namespace

void ignore_sigpipe() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      struct sigaction ignore {};
      ignore.sa_handler = SIG_IGN;
      sigemptyset(&ignore.sa_mask);
      sigaction(SIGPIPE, &ignore, nullptr);
    }
  });
}

void Conn::arm_read() {
  if (reading || !ac) return;
  reading = true;
  descriptor.async_wait(asio::posix::stream_descriptor::wait_read,
                        [self = shared_from_this()](const error_code& ec) {
                          self->reading = false;
                          self->on_ready(ec, self->want_read, &redisAsyncHandleRead);
                        });
}

void Conn::arm_write() {
  if (writing || !ac) return;
  writing = true;
  descriptor.async_wait(asio::posix::stream_descriptor::wait_write,
                        [self = shared_from_this()](const error_code& ec) {
                          self->writing = false;
                          self->on_ready(ec, self->want_write, &redisAsyncHandleWrite);
                        });
}

void Conn::on_ready(const error_code& ec, bool wanted, void (*handle)(redisAsyncContext*)) {
  if (ec == asio::error::operation_aborted || !ac || !wanted) return;
  if (ec) {
    error = "socket wait failed: " + ec.message();
    redisAsyncFree(ac);
    return;
  }
  handle(ac);
}

void Conn::drop(std::string_view why) {
  if (!ac) return;
  if (error.empty()) error = why;
  redisAsyncFree(ac);
}

std::shared_ptr<Conn> open(const Strand& strand, const std::string& address, unsigned short port,
                           std::string& why) {
  redisAsyncContext* ac = redisAsyncConnect(address.c_str(), port);
  if (ac == nullptr) {
    why = "cannot allocate a connection";
    return nullptr;
  }
  if (ac->err) {
    why = ac->errstr;
    redisAsyncFree(ac);
    return nullptr;
  }
  auto conn = std::make_shared<Conn>(strand);
  error_code ec;
  conn->descriptor.assign(ac->c.fd, ec);
  if (ec) {
    why = "cannot watch the socket: " + ec.message();
    redisAsyncFree(ac);
    return nullptr;
  }
  conn->ac = ac;
  ac->ev.data = conn.get();
  ac->ev.addRead = &ev_add_read;
  ac->ev.delRead = &ev_del_read;
  ac->ev.addWrite = &ev_add_write;
  ac->ev.delWrite = &ev_del_write;
  ac->ev.cleanup = &ev_cleanup;
  return conn;
}

bool send(Conn& conn, const std::shared_ptr<Call>& call, std::size_t index,
          const std::vector<std::string>& args) {
  if (!conn.ac) return false;
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const std::string& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* ref = new CallRef{call, index};
  if (redisAsyncCommandArgv(conn.ac, &on_reply, ref, static_cast<int>(argv.size()), argv.data(),
                            lengths.data()) != REDIS_OK) {
    delete ref;  // not registered: hiredis will never call back with it
    return false;
  }
  return true;
}

}  // namespace mc::store::bridge
