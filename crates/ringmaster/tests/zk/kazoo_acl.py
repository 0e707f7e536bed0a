"""ACLs through kazoo: the world, auth and digest schemes enforced on every operation.

Run by tests/zookeeper.rs with the hosts string; every check raises on failure and the last
line is ALL OK.
"""
import sys

from kazoo.client import KazooClient
from kazoo.exceptions import AuthFailedError, NoAuthError
from kazoo.handlers.threading import KazooTimeoutError
from kazoo.security import CREATOR_ALL_ACL, OPEN_ACL_UNSAFE, READ_ACL_UNSAFE, make_digest_acl

HOSTS = sys.argv[1]


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("ok:", what, flush=True)


def refused(f, *args):
    try:
        f(*args)
        return False
    except NoAuthError:
        return True


def client(auth=None):
    zk = KazooClient(hosts=HOSTS, timeout=10, auth_data=auth)
    zk.start(timeout=20)
    return zk


bob = client([("digest", "bob:secret")])
anon = client()
liar = client([("digest", "bob:wrong")])

bob.create("/secret", b"hidden", acl=[make_digest_acl("bob", "secret", all=True)])
check(bob.get("/secret")[0] == b"hidden", "the owner reads its node")
check(refused(anon.get, "/secret"), "an anonymous client may not read it (NoAuth)")
check(refused(liar.get, "/secret"), "a wrong password may not read it")
check(refused(anon.set, "/secret", b"x"), "nor write it")
check(refused(anon.create, "/secret/child", b""), "nor create under it")
check(refused(anon.get_children, "/secret"), "nor list it")
check(refused(anon.get_acls, "/secret"), "nor read its ACL")
check(refused(anon.set_acls, "/secret", OPEN_ACL_UNSAFE), "nor change its ACL")
check(anon.exists("/secret") is not None, "exists is not checked (ZooKeeper 3.8.0)")

# The owner opens it for reading: others read, still cannot write.
bob.set_acls("/secret", [make_digest_acl("bob", "secret", all=True)] + READ_ACL_UNSAFE)
acl, stat = bob.get_acls("/secret")
check(stat.aversion == 1 and len(acl) == 2, "setACL bumps the ACL's version")
check(anon.get("/secret")[0] == b"hidden", "now anyone reads it")
check(refused(anon.set, "/secret", b"x"), "but still may not write it")
masked, _ = anon.get_acls("/secret")
check(any(a.id.id == "bob:x" for a in masked), "a caller without ADMIN sees no digest hash")

# auth: the creator's own ids.
bob.create("/mine", b"", acl=CREATOR_ALL_ACL)
acl, _ = bob.get_acls("/mine")
check(acl[0].id.scheme == "digest" and acl[0].id.id.startswith("bob:"), "auth became bob's digest id")
check(refused(anon.set, "/mine", b"x"), "auth ACL keeps others out")
bob.create("/mine/kid", b"")
check(refused(anon.delete, "/mine/kid"), "deleting needs DELETE on the parent")
bob.delete("/mine/kid")
try:
    anon.create("/theirs", b"", acl=CREATOR_ALL_ACL)
    check(False, "auth ACL without any authenticated id is refused")
except Exception as e:
    check(type(e).__name__ == "InvalidACLError", "auth ACL without any authenticated id is refused")

# A transaction touching a node it may not write applies nothing.
tx = anon.transaction()
tx.create("/free")
tx.set_data("/mine", b"x")
res = tx.commit()
check(isinstance(res[1], NoAuthError) and anon.exists("/free") is None, "a guarded multi is all or nothing")

# An unknown scheme: the server answers AuthFailed and closes the connection; kazoo then
# fails every call with AuthFailedError.
stranger = KazooClient(hosts=HOSTS, timeout=10, auth_data=[("nosuchscheme", "x")])
try:
    stranger.start(timeout=10)
    stranger.get("/")
    check(False, "an unknown auth scheme is refused")
except (AuthFailedError, KazooTimeoutError):
    check(True, "an unknown auth scheme is refused")
stranger.stop()

for zk in (bob, anon, liar):
    zk.stop()
print("ALL OK", flush=True)
