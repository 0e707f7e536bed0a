"""kazoo (Debian's python3-kazoo) against a ringmaster ring's ZooKeeper listeners.

Run by tests/zookeeper.rs: argv[1] is the hosts string. Phase one exercises CRUD with
versions, ephemeral and sequential nodes, and the recipes; then it prints KILL and waits
for a line on stdin (the test SIGKILLs the primary meanwhile). Phase two checks that the
session survived, the lock is still its owner's, and the recipes and watches still work.
Every check raises on failure; the last line is ALL OK.
"""
import sys
import threading

from kazoo.client import KazooClient
from kazoo.exceptions import BadVersionError, NodeExistsError, NoNodeError, NotEmptyError
from kazoo.protocol.states import KazooState

HOSTS = sys.argv[1]
WAIT = 20


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("ok:", what, flush=True)


def client(name):
    zk = KazooClient(hosts=HOSTS, timeout=10, randomize_hosts=False)
    zk.start(timeout=WAIT)
    return zk


a = client("a")
b = client("b")

# CRUD with versions.
a.create("/app", b"v0")
data, stat = a.get("/app")
check(data == b"v0" and stat.version == 0, "create and get")
a.set("/app", b"v1", version=0)
try:
    a.set("/app", b"nope", version=0)
    check(False, "a stale version is refused")
except BadVersionError:
    check(True, "a stale version is refused")
try:
    a.create("/app", b"")
    check(False, "a second create is refused")
except NodeExistsError:
    check(True, "a second create is refused")
a.create("/app/child", b"")
try:
    a.delete("/app")
    check(False, "a parent with children is not deleted")
except NotEmptyError:
    check(True, "a parent with children is not deleted")
a.delete("/app/child", version=0)
check(b.get("/app")[0] == b"v1", "another session reads the write")
try:
    b.get("/missing")
    check(False, "a missing node is NoNode")
except NoNodeError:
    check(True, "a missing node is NoNode")

# Ephemeral and sequential nodes.
eph = a.create("/app/a-eph", b"", ephemeral=True)
check(a.exists(eph).ephemeralOwner == a.client_id[0], "an ephemeral node is owned by its session")
s1 = a.create("/app/seq-", b"", sequence=True)
s2 = a.create("/app/seq-", b"", sequence=True)
check(s1 < s2 and s1[-10:].isdigit(), "sequential names increase: %s %s" % (s1, s2))
tx = a.transaction()
tx.check("/app", 1)
tx.create("/app/tx")
check(tx.commit() == [True, "/app/tx"], "a transaction with a check commits")
tx = a.transaction()
tx.create("/app/tx2")
tx.delete("/app/missing")
res = tx.commit()
check(type(res[0]).__name__ == "RolledBackError" and isinstance(res[1], NoNodeError)
      and not a.exists("/app/tx2"), "a failed transaction applies nothing, per op results")

# Recipes.
lock = a.Lock("/locks/one", "owner-a")
check(lock.acquire(timeout=WAIT), "the lock is taken")
other = b.Lock("/locks/one", "owner-b")
check(not other.acquire(blocking=False), "another client cannot take it")

elected = threading.Event()
stop_leading = threading.Event()
def lead():
    elected.set()
    stop_leading.wait()
election = a.Election("/election", "leader-a")
threading.Thread(target=election.run, args=(lead,), daemon=True).start()
check(elected.wait(WAIT), "an election elects the only candidate")
check(b.Election("/election").contenders() == ["leader-a"], "the contenders are seen")

barrier = a.Barrier("/barrier")
barrier.create()
passed = []
waiter = threading.Thread(target=lambda: passed.append(b.Barrier("/barrier").wait(WAIT)))
waiter.start()
barrier.remove()
waiter.join(WAIT)
check(passed == [True], "a barrier releases its waiter")

counter = a.Counter("/counter")
counter += 5
check(b.Counter("/counter").value == 5, "a counter counts")

data_seen, children_seen = [], []
data_event, children_event = threading.Event(), threading.Event()
@b.DataWatch("/app")
def on_data(data, stat):
    data_seen.append(data)
    data_event.set()
@b.ChildrenWatch("/app")
def on_children(children):
    children_seen.append(sorted(children))
    children_event.set()
data_event.wait(WAIT); children_event.wait(WAIT)
data_event.clear(); children_event.clear()
a.set("/app", b"v2")
check(data_event.wait(WAIT) and data_seen[-1] == b"v2", "DataWatch sees a change")
a.create("/app/new")
check(children_event.wait(WAIT) and "new" in children_seen[-1], "ChildrenWatch sees a child")

session = a.client_id[0]
check(a._connection._socket.getpeername()[1] == int(HOSTS.split(",")[0].rsplit(":", 1)[1]),
      "client a is connected to the server about to be killed")
print("KILL", flush=True)
sys.stdin.readline()

# After the primary's SIGKILL: the same session, still connected or reconnected.
deadline = threading.Event()
def connected(zk):
    for _ in range(WAIT * 10):
        if zk.state == KazooState.CONNECTED:
            return True
        deadline.wait(0.1)
    return False
# Until a new primary is elected, calls fail with ConnectionLoss, as on ZooKeeper during
# an election; kazoo's retry helper (what its recipes use) carries them over.
a.retry(a.set, "/app", b"v3")
check(connected(a) and a.client_id[0] == session, "the session survived the primary's death")
check(a._connection._socket.getpeername()[1] != int(HOSTS.split(",")[0].rsplit(":", 1)[1]),
      "on another server")
check(a.exists(eph) is not None, "its ephemeral node is still there")
check(lock.is_acquired and lock.contenders()[0] == "owner-a", "the lock is still held by its owner")
check(not other.acquire(blocking=False), "and still cannot be taken by another")
counter += 1
check(counter.value == 6, "the counter goes on")
data_event.clear(); children_event.clear()
a.retry(a.set, "/app", b"v4")
check(data_event.wait(WAIT) and data_seen[-1] == b"v4", "DataWatch still sees changes")
a.retry(a.create, "/app/after")
check(children_event.wait(WAIT) and "after" in children_seen[-1], "ChildrenWatch still sees children")
lock.release()
check(other.acquire(timeout=WAIT), "once released, the other client takes the lock")
stop_leading.set()
a.stop(); b.stop()
print("ALL OK", flush=True)
