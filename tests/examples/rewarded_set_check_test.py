"""Runs docs/examples/rewarded-set-check against a loopback nym-api."""

import http.server
import json
import os
import subprocess
import sys
import threading
import unittest

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "examples",
                      "rewarded-set-check")


class FakeNymApi(http.server.BaseHTTPRequestHandler):
    """Answers /v1/nym-nodes/rewarded-set with the server's `answer`."""

    def do_GET(self):
        self.server.paths.append(self.path)
        status, body = self.server.answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


class RewardedSetCheckTest(unittest.TestCase):
    def setUp(self):
        self.server = http.server.HTTPServer(("127.0.0.1", 0), FakeNymApi)
        self.server.paths = []
        self.server.answer = (200, "{}")
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.api = "http://127.0.0.1:%d/api" % self.server.server_port

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def check(self, node_id, status, body):
        self.server.answer = (status, body)
        return subprocess.run([sys.executable, SCRIPT, node_id, self.api],
                              capture_output=True, text=True, timeout=60)

    def rewarded_set(self, **roles):
        base = {"epoch_id": 7, "entry_gateways": [], "exit_gateways": [], "layer1": [],
                "layer2": [], "layer3": [], "standby": []}
        base.update(roles)
        return json.dumps(base)

    def test_a_node_on_a_mix_layer_is_busy(self):
        run = self.check("1234", 200, self.rewarded_set(layer2=[5, 1234]))
        self.assertEqual(run.returncode, 1, run.stderr)
        self.assertIn("layer2", run.stdout)
        self.assertEqual(self.server.paths, ["/api/v1/nym-nodes/rewarded-set"])

    def test_a_gateway_of_the_epoch_is_busy(self):
        run = self.check("9", 200, self.rewarded_set(exit_gateways=[9]))
        self.assertEqual(run.returncode, 1, run.stderr)

    def test_a_node_on_standby_or_absent_is_idle(self):
        run = self.check("1234", 200, self.rewarded_set(standby=[1234], layer1=[1]))
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("serves no role", run.stdout)

    def test_a_wrapped_answer_is_read_too(self):
        body = json.dumps({"rewarded_set": json.loads(self.rewarded_set(layer3=[42]))})
        self.assertEqual(self.check("42", 200, body).returncode, 1)

    def test_an_answer_without_roles_is_a_failed_check(self):
        run = self.check("1234", 200, '{"message": "maintenance"}')
        self.assertEqual(run.returncode, 2)
        self.assertIn("rewarded-set", run.stderr)

    def test_an_http_error_is_a_failed_check(self):
        run = self.check("1234", 503, "{}")
        self.assertEqual(run.returncode, 2)
        self.assertIn("503", run.stderr)

    def test_a_missing_node_id_prints_the_usage(self):
        run = subprocess.run([sys.executable, SCRIPT], capture_output=True, text=True)
        self.assertEqual(run.returncode, 2)
        self.assertIn("usage: rewarded-set-check NODE_ID", run.stderr)


if __name__ == "__main__":
    unittest.main()
