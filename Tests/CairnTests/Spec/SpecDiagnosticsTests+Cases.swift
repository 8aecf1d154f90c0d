extension SpecDiagnosticsTests {
    /// One spec per kind of problem, with the summary fragment and position it must report.
    static let cases: [DiagnosticCase] = [
        DiagnosticCase(
            name: "unknown top-level key",
            yaml: """
                stack: demo
                resource:
                  net: {type: test.net}
                """,
            summary: "unknown key `resource` at the top level", at: "2:1"),
        DiagnosticCase(
            name: "unknown resource key",
            yaml: """
                stack: demo
                resources:
                  net:
                    type: test.net
                    propertes: {cidr: 10.0.0.0/16}
                """,
            summary: "unknown key `propertes` in resource net", at: "5:5"),
        DiagnosticCase(
            name: "unknown type",
            yaml: """
                stack: demo
                resources:
                  net:
                    type: test.netwrok
                """,
            summary: "unknown resource type `test.netwrok`", at: "4:11"),
        DiagnosticCase(
            name: "unknown property",
            yaml: """
                stack: demo
                resources:
                  net:
                    type: test.net
                    properties:
                      cidr: 10.0.0.0/16
                      regoin: east
                """,
            summary: "unknown property `regoin` for test.net", at: "7:7"),
        DiagnosticCase(
            name: "missing required property",
            yaml: """
                stack: demo
                resources:
                  net:
                    type: test.net
                    properties:
                      region: east
                """,
            summary: "resource net is missing the required property `cidr`", at: "3:3"),
        DiagnosticCase(
            name: "wrong kind",
            yaml: """
                stack: demo
                resources:
                  vm:
                    type: test.vm
                    properties:
                      subnet_id: s-1
                      image: debian-12
                      count: many
                """,
            summary: "property count of resource vm: expected an integer, found a string", at: "8:14"),
        DiagnosticCase(
            name: "bad CIDR",
            yaml: """
                stack: demo
                resources:
                  net:
                    type: test.net
                    properties:
                      cidr: 10.0.0.0/33
                """,
            summary: "property cidr of resource net: expected an IPv4 CIDR block", at: "6:13"),
        DiagnosticCase(
            name: "bad file mode",
            yaml: """
                stack: demo
                resources:
                  conf:
                    type: test.file
                    properties:
                      path: app.conf
                      content: hello
                      mode: "0944"
                """,
            summary: "property mode of resource conf: expected an octal file mode", at: "8:13"),
        DiagnosticCase(
            name: "unquoted file mode",
            yaml: """
                stack: demo
                resources:
                  conf:
                    type: test.file
                    properties: {path: app.conf, content: hello, mode: 0644}
                """,
            summary: "property mode of resource conf: expected a string, found an integer", at: "5:56"),
        DiagnosticCase(
            name: "bad stack name",
            yaml: """
                stack: Web_Dev
                resources: {}
                """,
            summary: "stack name `Web_Dev` is not allowed", at: "1:8"),
        DiagnosticCase(
            name: "missing stack name",
            yaml: """
                resources: {}
                """,
            summary: "the spec has no `stack:` name", at: "1:1"),
        DiagnosticCase(
            name: "bad address",
            yaml: """
                stack: demo
                resources:
                  Web Server:
                    type: test.net
                    properties: {cidr: 10.0.0.0/16}
                """,
            summary: "resource address `Web Server` is not allowed", at: "3:3"),
        DiagnosticCase(
            name: "reserved address",
            yaml: """
                stack: demo
                resources:
                  var:
                    type: test.net
                    properties: {cidr: 10.0.0.0/16}
                """,
            summary: "resource address `var` is reserved", at: "3:3"),
        DiagnosticCase(
            name: "missing reference target",
            yaml: """
                stack: demo
                resources:
                  net:
                    type: test.net
                    properties: {cidr: 10.0.0.0/16}
                  subnet:
                    type: test.subnet
                    properties:
                      network_id: "${nte.id}"
                      cidr: 10.0.1.0/24
                """,
            summary: "resource subnet reads ${nte.id}, but there is no resource `nte`", at: "9:20"),
        DiagnosticCase(
            name: "unknown attribute",
            yaml: """
                stack: demo
                resources:
                  net:
                    type: test.net
                    properties: {cidr: 10.0.0.0/16}
                  subnet:
                    type: test.subnet
                    properties:
                      network_id: net-${net.ids}
                      cidr: 10.0.1.0/24
                """,
            summary: "test.net has no attribute `ids`", at: "9:23"),
        DiagnosticCase(
            name: "depends_on missing",
            yaml: """
                stack: demo
                resources:
                  net:
                    type: test.net
                    properties: {cidr: 10.0.0.0/16}
                    depends_on: [nett]
                """,
            summary: "resource net depends on `nett`, which is not declared", at: "6:18"),
        DiagnosticCase(
            name: "self-dependency",
            yaml: """
                stack: demo
                resources:
                  net:
                    type: test.net
                    properties: {cidr: 10.0.0.0/16}
                    depends_on:
                      - net
                """,
            summary: "resource net depends on itself", at: "7:9"),
        DiagnosticCase(
            name: "self-reference",
            yaml: """
                stack: demo
                resources:
                  net:
                    type: test.net
                    properties: {cidr: 10.0.0.0/16, name: "${net.id}"}
                """,
            summary: "resource net reads its own attribute ${net.id}", at: "5:44"),
        DiagnosticCase(
            name: "cycle path",
            yaml: """
                stack: demo
                resources:
                  net:
                    type: test.net
                    properties: {cidr: 10.0.0.0/16}
                  subnet:
                    type: test.subnet
                    properties: {network_id: "${net.id}", cidr: 10.0.1.0/24, zone: "${vm.address}"}
                  vm:
                    type: test.vm
                    properties: {subnet_id: "${subnet.id}", image: debian-12}
                """,
            summary: "reference cycle: subnet -> vm -> subnet", at: "6:3"),
        DiagnosticCase(
            name: "cycle through depends_on",
            yaml: """
                stack: demo
                resources:
                  a:
                    type: test.net
                    properties: {cidr: 10.0.0.0/16}
                    depends_on: [c]
                  b:
                    type: test.net
                    properties: {cidr: 10.0.0.0/16}
                    depends_on: [a]
                  c:
                    type: test.net
                    properties: {cidr: 10.0.0.0/16}
                    depends_on: [b]
                """,
            summary: "dependency cycle: a -> c -> b -> a", at: "3:3"),
        DiagnosticCase(
            name: "variable missing value",
            yaml: """
                stack: demo
                variables:
                  region: {description: Where to run}
                resources: {}
                """,
            summary: "variable region has no value", at: "3:3"),
        DiagnosticCase(
            name: "variable of the wrong kind from --var",
            yaml: """
                stack: demo
                variables:
                  count: {default: 2}
                resources: {}
                """,
            summary: "--var count: variable count takes an integer (like its default), and `lots` is not", at: "3:3",
            variables: ["count": "lots"]),
        DiagnosticCase(
            name: "undeclared --var",
            yaml: """
                stack: demo
                variables:
                  region: {default: east}
                resources: {}
                """,
            summary: "--var regoin: the spec declares no variable `regoin`", at: "2:1",
            variables: ["regoin": "west"]),
        DiagnosticCase(
            name: "unknown variable in a property",
            yaml: """
                stack: demo
                variables:
                  region: {default: east}
                resources:
                  net:
                    type: test.net
                    properties: {cidr: 10.0.0.0/16, region: "${var.regoin}"}
                """,
            summary: "${var.regoin} reads a variable the spec does not declare", at: "7:46"),
        DiagnosticCase(
            name: "expression that is not a reference",
            yaml: """
                stack: demo
                resources:
                  net:
                    type: test.net
                    properties: {cidr: 10.0.0.0/16, region: "${region}"}
                """,
            summary: "cannot read ${region}", at: "5:46"),
        DiagnosticCase(
            name: "unclosed template",
            yaml: """
                stack: demo
                resources:
                  net:
                    type: test.net
                    properties: {cidr: 10.0.0.0/16, region: "x-${var.region"}
                """,
            summary: "`${` is never closed", at: "5:48"),
        DiagnosticCase(
            name: "bad flag value",
            yaml: """
                stack: demo
                flags:
                  cdn: {default: false}
                resources: {}
                """,
            summary: "--flag cdn=maybe: a flag is true or false", at: "3:3", flags: ["cdn": "maybe"]),
        DiagnosticCase(
            name: "bad flag value from the environment",
            yaml: """
                stack: demo
                flags:
                  cdn: {default: false}
                resources: {}
                """,
            summary: "CAIRN_FLAG_CDN=sometimes: a flag is true or false", at: "3:3",
            environment: ["CAIRN_FLAG_CDN": "sometimes"]),
        DiagnosticCase(
            name: "bad when expression",
            yaml: """
                stack: demo
                flags:
                  cdn: {default: false}
                resources:
                  cdn:
                    type: test.cdn
                    when: flag.cdn and true
                    properties: {origin: x}
                """,
            summary: "`when` of resource cdn: write `&&` instead of `and`", at: "7:20"),
        DiagnosticCase(
            name: "when reads an undeclared flag",
            yaml: """
                stack: demo
                flags:
                  cdn: {default: false}
                resources:
                  cdn:
                    type: test.cdn
                    when: "!flag.cnd"
                    properties: {origin: x}
                """,
            summary: "`when` of resource cdn reads flag.cnd, which the spec does not declare", at: "7:11"),
        DiagnosticCase(
            name: "when that is not a boolean",
            yaml: """
                stack: demo
                variables:
                  region: {default: east}
                resources:
                  cdn:
                    type: test.cdn
                    when: var.region
                    properties: {origin: x}
                """,
            summary: "gives a string, not true or false", at: "7:11"),
        DiagnosticCase(
            name: "reference to a resource disabled by its when",
            yaml: """
                stack: demo
                flags:
                  cdn: {default: false}
                resources:
                  cdn:
                    type: test.cdn
                    when: flag.cdn
                    properties: {origin: x}
                  dns:
                    type: test.net
                    properties: {cidr: 10.0.0.0/16, name: "${cdn.domain}"}
                """,
            summary: "resource cdn is disabled by its `when` (flag.cdn is false)", at: "11:44"),
        DiagnosticCase(
            name: "bad duration",
            yaml: """
                stack: demo
                defaults:
                  retry: {max_attempts: 3, initial_delay: 2 seconds}
                resources: {}
                """,
            summary: "initial_delay of defaults.retry must be a duration", at: "3:43"),
        DiagnosticCase(
            name: "bad failure mode",
            yaml: """
                stack: demo
                defaults:
                  on_failure: rollbak
                resources: {}
                """,
            summary: "on_failure `rollbak` is not a failure mode", at: "3:15"),
        DiagnosticCase(
            name: "bad retry in a resource",
            yaml: """
                stack: demo
                resources:
                  net:
                    type: test.net
                    properties: {cidr: 10.0.0.0/16}
                    retry: {max_attempts: 0}
                """,
            summary: "max_attempts of retry of resource net must be a whole number of at least 1", at: "6:27"),
        DiagnosticCase(
            name: "duplicate keys",
            yaml: """
                stack: demo
                resources:
                  net:
                    type: test.net
                    properties: {cidr: 10.0.0.0/16}
                  net:
                    type: test.net
                """,
            summary: "duplicate key `net`", at: "3:3"),
        DiagnosticCase(
            name: "key that is not text",
            yaml: """
                stack: demo
                resources:
                  vm:
                    type: test.vm
                    properties:
                      subnet_id: s-1
                      image: debian-12
                      tags: {80: web}
                """,
            summary: "the key 80 is an integer, not text", at: "8:14"),
        DiagnosticCase(
            name: "multiple documents",
            yaml: """
                stack: demo
                resources: {}
                ---
                stack: other
                """,
            summary: "the file holds more than one YAML document", at: "3:1"),
        DiagnosticCase(
            name: "YAML syntax error",
            yaml: """
                stack: demo
                resources:
                  net: [unclosed
                """,
            summary: "YAML syntax error", at: "4:1"),
        DiagnosticCase(
            name: "spec that is not a map",
            yaml: """
                - stack: demo
                """,
            summary: "the spec must be a map", at: "1:1"),
        DiagnosticCase(
            name: "unsupported tag",
            yaml: """
                stack: demo
                resources:
                  net:
                    type: !!binary dGVzdA==
                """,
            summary: "unsupported tag tag:yaml.org,2002:binary", at: "4:11"),
    ]
}
