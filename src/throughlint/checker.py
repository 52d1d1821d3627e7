"""The one tree walk: keeps the semantic model current and calls each rule's checks by
node type (a dispatch table built once per run, never a walk per rule)."""

from __future__ import annotations

import ast
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cache

from throughlint.diagnostics import Diagnostic, Fix, Severity, Span
from throughlint.effects.database import DbCall, name_tier
from throughlint.finding_context import (
    FindingContext,
    finding_context,
    loop_input_of,
    unwrap_iterable,
)
from throughlint.relevance import NEVER_SHOWN_COLD, whole_table
from throughlint.results import INTERNAL_ERROR_CODE, INTERNAL_ERROR_NAME
from throughlint.rules.base import Rule
from throughlint.semantic.annotations import unwrap_annotation
from throughlint.semantic.expressions import unparse_short
from throughlint.semantic.input_size import (
    CONFIGURED,
    CONSTANT,
    SMALL,
    UNBOUNDED,
    UNKNOWN,
    input_size,
    loop_callee,
    loop_parameter,
)
from throughlint.semantic.loops import (
    Loop,
    LoopKind,
    comprehension_loop,
    describe_subject,
    for_loop,
    while_loop,
)
from throughlint.semantic.model import Frame, SemanticModel
from throughlint.semantic.per_pass import is_constant_iterable, once_per_run, per_item_loop
from throughlint.semantic.placement import COLD, code_kind, file_kind, script_entries
from throughlint.semantic.querysets import (
    QUERYSET_CLASS,
    admin_queryset,
    queryset_annotation,
    signal_instance,
)
from throughlint.semantic.scope import Binding, BindingKind, Scope, ScopeKind
from throughlint.settings import Settings
from throughlint.source import SourceFile

Handler = tuple[Rule, Callable[["Checker", ast.AST], None]]
Dispatch = dict[type, tuple[Handler, ...]]


# (handlers, structural visitor, child fields worth visiting, is a statement) for one
# node type
_Plan = tuple[tuple[Handler, ...], "Callable[[ast.AST], None] | None", tuple[str, ...], bool]
_LEAF_TYPES = (ast.expr_context, ast.operator, ast.boolop, ast.cmpop, ast.unaryop)
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})
# fields that never hold a node, whatever the node type (names, flags, strings)
_SCALAR_FIELDS = frozenset(
    {"id", "attr", "asname", "arg", "module", "level", "kind", "type_comment", "tag"}
    | {"conversion", "is_async", "lineno"}
)


@cache
def _child_fields(node_type: type, skip: frozenset[str]) -> tuple[str, ...]:
    return tuple(name for name in node_type._fields if name not in skip)


def build_dispatch(rules: Iterable[Rule]) -> Dispatch:
    table: dict[type, list[Handler]] = {}
    for rule in rules:
        for node_type, functions in rule.checks.items():
            for function in functions:
                table.setdefault(node_type, []).append((rule, function))
    return {node_type: tuple(handlers) for node_type, handlers in table.items()}


def make_diagnostic(
    rule: Rule,
    path: str,
    span: Span,
    message: str,
    fix: Fix | None,
    source_line: str,
    enclosing: str,
    context: FindingContext,
    confidence: str = "typed",
    place: tuple | list | None = None,
) -> Diagnostic:
    """Every finding is built here, from the walk or from the project index, so the same
    problem gets the same context and priority whichever way it was found."""
    return Diagnostic(
        code=rule.code,
        name=rule.name,
        path=path,
        span=span,
        message=message,
        severity=rule.severity,
        fix=fix,
        source_line=source_line,
        enclosing=enclosing,
        loop_depth=context.loop_depth,
        loop_input=context.loop_input,
        complexity=context.complexity,
        confidence=confidence,
        **_placement(place),
    )


_QUERY_HOPS = 4  # names followed back to the query they hold


def _placement(place: tuple | list | None) -> dict:
    """``Checker.placement``'s answer (a list, from a pending record) as fields."""
    if not place or len(place) != 6:
        return {}
    loop_span, subject, loop_source, size, kind, table_walk = place
    return {
        "loop_span": tuple(loop_span),
        "loop_subject": subject,
        "loop_source": loop_source,
        "input_size": size,
        "path_kind": kind,
        "table_walk": table_walk,
    }


def pending_diagnostic(
    rule: Rule, path: str, pending: dict, message: str, fix: Fix | None, confidence: str = "typed"
) -> Diagnostic:
    """A pending finding (``index/facts.py``) that a project-level check confirmed."""
    depth, loop_input, complexity = pending.get("ctx") or (pending.get("depth", 0), "", 0)
    return make_diagnostic(
        rule,
        path,
        Span(*pending["span"]),
        message,
        fix,
        pending["src"],
        pending.get("fn", ""),
        FindingContext(depth, loop_input, complexity),
        confidence,
        place=pending.get("place"),
    )


@dataclass
class _Deferred:
    node: ast.FunctionDef | ast.AsyncFunctionDef
    scope: Scope
    classes: list[ast.ClassDef]
    qualified: str
    ancestors: list[ast.AST]  # the walk's statement stack at the ``def``, the ``def`` last


@dataclass
class Checker:
    source: SourceFile
    tree: ast.Module
    settings: Settings
    dispatch: Dispatch
    module: str = "__main__"
    show_traceback: bool = False
    # this file's contribution to the project index (``throughlint.index.FileFacts``),
    # set by the engine when an active rule uses the index
    index_facts: object = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    internal_errors: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.semantic = SemanticModel(self.module, self.tree, self.settings.small_loop_max)
        path = "/" + self.source.path.replace("\\", "/")
        self.semantic.is_package = path.endswith("/__init__.py")
        self.semantic.mentions_global = "global" in self.source.text
        self._file_kind: str | None = None
        self._script: frozenset[str] = frozenset()
        self._kinds: dict[tuple, str] = {}  # per function and innermost class: its kind
        # the last answers of ``placement`` and ``where``, valid at the same walk position
        # (frame, scope and bindings): every call of a long loop body asks the same
        self._placed: tuple | None = None
        self._context: tuple | None = None
        self._deferred: list[_Deferred] = []
        self._stack = self.semantic.node_stack
        self._failed: set[str] = set()
        self._names: list[str] = []
        self._structural: dict[type, Callable[[ast.AST], None]] = {
            ast.Import: self._visit_import,
            ast.ImportFrom: self._visit_import,
            ast.FunctionDef: self._visit_function,
            ast.AsyncFunctionDef: self._visit_function,
            ast.Lambda: self._visit_lambda,
            ast.ClassDef: self._visit_class,
            ast.Assign: self._visit_assign,
            ast.AnnAssign: self._visit_ann_assign,
            ast.NamedExpr: self._visit_named_expr,
            ast.For: self._visit_for,
            ast.AsyncFor: self._visit_for,
            ast.While: self._visit_while,
            ast.With: self._visit_with,
            ast.AsyncWith: self._visit_with,
            ast.ListComp: self._visit_comprehension,
            ast.SetComp: self._visit_comprehension,
            ast.GeneratorExp: self._visit_comprehension,
            ast.DictComp: self._visit_comprehension,
            ast.ExceptHandler: self._visit_except_handler,
        }
        self._plans: dict[type, _Plan] = {}
        self._inert: set[type] = set()
        # Contexts and operators (Load, Add, Eq, ...) are leaves nobody asks about: skip
        # them unless a rule registered a handler for one.
        wanted_leaves = any(issubclass(node_type, _LEAF_TYPES) for node_type in self.dispatch)
        self._skip = _SCALAR_FIELDS if wanted_leaves else _SCALAR_FIELDS | _LEAF_FIELDS

    # --- public ------------------------------------------------------------------------

    def run(self) -> list[Diagnostic]:
        self._visit_list(self.tree.body)
        while self._deferred:
            self._run_function(self._deferred.pop(0))
        return self.diagnostics

    def release(self) -> None:
        """The walk is over and its findings and facts are read: drop its state. The
        checker, its semantic model and their memos refer to each other (bound methods,
        memoised closures), so without this the file's tree and model stay alive until
        the cycle collector traces every object of them (``collection.py``); with it,
        reference counting frees them at once and the collection after the file has
        next to nothing to trace. The checker is unusable afterwards."""
        self.semantic.release()
        vars(self).clear()

    def report(
        self,
        rule: Rule,
        node: ast.AST,
        message: str,
        fix: Fix | None = None,
        confidence: str = "typed",
    ) -> None:
        if confidence == "heuristic" and not self.settings.heuristics:
            return
        span = self.source.span(node)
        enclosing, context = self.where()
        self.diagnostics.append(
            make_diagnostic(
                rule,
                self.source.path,
                span,
                message,
                fix,
                self.source.line(span.line),
                enclosing,
                context,
                confidence,
                self.placement(context.loop_input),
            )
        )

    def report_call(
        self, rule: Rule, node: ast.AST, message: str, fix: Fix | None, found: DbCall
    ) -> None:
        """Report a finding on the database call ``found``. A name-tier call whose
        receiver is a project value (``SessionLocal()`` imported from ``app.db``) waits
        for the project index: typed when the index says what that value is, else kept
        only when the name tier is on (``--preview``)."""
        if not found.origin:
            self.report(rule, node, message, fix, confidence=found.confidence)
            return
        from throughlint.index.facts import add_pending

        add_pending(
            self,
            node,
            "typed-by-index",
            code=rule.code,
            message=message,
            origin=found.origin,
            framework=found.framework,
            **({"named": 1} if found.named and name_tier(self.settings) else {}),
        )

    def placement(self, loop_input: str) -> tuple:
        """The innermost per-item loop here (header span, subject, source line), the size
        of its input and where the code runs (``Placement``); for diagnostics and the
        project index's pending findings alike."""
        model = self.semantic
        loop, unfolded = self._placement_loops()
        last = self._placed
        if self._same_position(last) and last[3] == loop_input and last[5] is loop:
            return last[4]  # its parameters, if any, were recorded with the first answer
        kind = self.path_kind()
        if loop is None:
            placed: tuple = ((), "", "", "", kind, "")
        else:
            header = self._loop_header(loop)
            size = input_size(model, loop, loop_input)
            if size == UNKNOWN and self.index_facts is not None:
                if loop_parameter(model, loop):
                    self.record_parameters()
                else:  # a call's result: sized by what that function hands out
                    self.index_facts.loop_call(header, loop_callee(model, loop))
            subject = describe_subject(loop)
            line = self.source.line(header[0])
            # the loops around the innermost one: a nest folded into a loop over a whole
            # table is such a walk too
            placed = (header, subject, line, size, kind, self.table_walk(kind, unfolded))
        self._placed = (model.frame, model.scope, model.generation, loop_input, placed, loop)
        return placed

    def _placement_loops(self) -> tuple[Loop | None, Loop | None]:
        """The loop a finding here is placed at, and the innermost loop it runs in once
        per pass (``while`` included) before a nest is folded into an enclosing loop
        (``_parent_loop``): a retry loop around the node (``while True: try: create();
        break``) or a block that leaves the loop is skipped, so a grouped finding names
        the loop whose items multiply the calls, as the rules' own messages do."""
        loops = self.semantic.frame.loops
        loop = per_item_loop(self.semantic, include_while=True)
        if loop is None:
            return None, None
        at = next(index for index, candidate in enumerate(loops) if candidate is loop)
        return self._parent_loop(loop, at), loop

    def _parent_loop(self, loop: Loop, at: int) -> Loop:
        """``loop`` itself, or, when it walks a part of an enclosing loop's item (``for
        severity in ref.severities`` inside ``for ref in references``: a few per item),
        that enclosing loop: one finding for the nest, at the loop whose items multiply
        it. Not when the inner loop's input is unbounded (``ref.rows.all()``), nor when
        the enclosing loop's is bounded (constant, small or configured), which would hold
        back what the inner loop shows."""
        model = self.semantic
        memo = model.memo("checker.parent_loop")
        if loop.node in memo:
            return memo[loop.node]
        found = loop
        root = _root_name(loop.iter)
        outer = next(
            (
                candidate
                for candidate in reversed(model.frame.loops[:at])
                if root is not None and root in candidate.target_names
            ),
            None,
        )
        if (
            outer is not None
            and not (outer.small or once_per_run(model, outer))
            and self._loop_size(loop) != UNBOUNDED
            and self._loop_size(outer) not in (CONSTANT, SMALL, CONFIGURED)
        ):
            found = self._parent_loop(outer, model.frame.loops.index(outer))
        memo[loop.node] = found
        return found

    def _loop_size(self, loop: Loop) -> str:
        model = self.semantic
        memo = model.memo("checker.loop_size")
        if loop.node not in memo:
            memo[loop.node] = input_size(model, loop, loop_input_of(model, loop, self.settings))
        return memo[loop.node]

    def table_walk(self, kind: str, inner: Loop | None = None) -> str:
        """On a cold path, the subject of a loop around ``inner`` (any loop here when
        None) that walks a whole table: what runs per pass of it runs once per row
        (``relevance.whole_table``); "" otherwise, and on hot paths, which are shown."""
        if not kind.startswith(COLD) or kind.startswith(NEVER_SHOWN_COLD):
            return ""  # a test's loops are for the pytest plugin to measure, not shown
        model = self.semantic
        tables = model.memo("checker.table_walk")  # per loop: its subject, or ""
        for outer in model.frame.loops:
            if outer is inner:
                break
            if outer.small or outer.iter is None or once_per_run(model, outer):
                continue
            if outer.node not in tables:
                loop_input = loop_input_of(model, outer, self.settings)
                subject = describe_subject(outer)
                size = input_size(model, outer, loop_input)
                text = self._query_text(outer.iter)
                tables[outer.node] = subject if whole_table(text, size, loop_input) else ""
            if tables[outer.node]:
                return tables[outer.node]
        return ""

    def _query_text(self, node: ast.expr | None) -> str:
        """The text of a loop's iterable and of the values its names were bound to, so a
        query narrowed where it was built (``notices = X.objects.filter(...)``, then
        ``for n in notices.iterator()``) reads as narrowed."""
        model = self.semantic
        texts = []
        node = unwrap_iterable(model, node)
        for _ in range(_QUERY_HOPS):
            if node is None:
                break
            texts.append(unparse_short(node, 200))
            root = node
            while isinstance(root, (ast.Attribute, ast.Call, ast.Subscript)):
                root = root.func if isinstance(root, ast.Call) else root.value
            binding = model.lookup(root.id) if isinstance(root, ast.Name) else None
            if binding is None or binding.kind is not BindingKind.ASSIGNMENT:
                break
            node = binding.value
        return " ".join(texts)

    def _same_position(self, last: tuple | None) -> bool:
        """A remembered answer ``(frame, scope, generation, ...)`` still holds: the walk is
        in the same frame and scope and nothing was bound since."""
        model = self.semantic
        return (
            last is not None
            and last[0] is model.frame
            and last[1] is model.scope
            and last[2] == model.generation
        )

    def path_kind(self) -> str:
        """Where the code at this point of the walk runs (``semantic/placement.py``)."""
        model = self.semantic
        if self._file_kind is None:
            self._file_kind = file_kind(self.source.path, self.settings.project_root)
            self._script = script_entries(self.tree)
        key = (model.function, model.classes[-1] if model.classes else None)
        kind = self._kinds.get(key)
        if kind is None:  # the bases and decorators read once, not once per question
            kind = self._kinds[key] = code_kind(
                self.source.path,
                model.function,
                model.classes,
                self._file_kind,
                self._script,
                django=model.imports_django,
            )
        return kind

    def record_parameters(self) -> None:
        """The enclosing function's parameters, for the index to size them by what its
        callers pass (``index/reach.py``); a method's ``self`` / ``cls`` left out."""
        function, name = self.semantic.function, self.semantic.function_name
        arguments = getattr(function, "args", None)
        if arguments is None or name is None:
            return
        names = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
        if self.semantic.classes and names[:1] in (["self"], ["cls"]):
            names = names[1:]
        names += [a.arg for a in arguments.kwonlyargs]
        self.index_facts.parameters[name] = names  # type: ignore[attr-defined]

    def _loop_header(self, loop: Loop) -> tuple[int, int, int, int]:
        """``for x in items`` up to the end of ``items``; a comprehension as a whole."""
        start = self.source.span(loop.node)
        end_node = loop.node
        if loop.kind is not LoopKind.COMPREHENSION:
            end_node = loop.iter if loop.iter is not None else getattr(loop.node, "test", loop.node)
        end = self.source.span(end_node)
        return (start.line, start.column, end.end_line, end.end_column)

    def where(self) -> tuple[str, FindingContext]:
        """The enclosing function (``Class.method``, "" at module level) and the ranking
        context of the node being visited; findings the index resolves later carry both."""
        model = self.semantic
        enclosing = ".".join(self._names) if model.function is not None else ""
        last = self._context
        if self._same_position(last):
            return enclosing, last[3]
        context = finding_context(model, self.settings)
        self._context = (model.frame, model.scope, model.generation, context)
        return enclosing, context

    # --- the walk ----------------------------------------------------------------------

    def visit(self, node: ast.AST) -> None:
        plan = self._plans.get(node.__class__)
        if plan is None:
            plan = self._plan(node.__class__)
        handlers, structural, fields, statement = plan
        if statement:  # the model's stack of enclosing statements
            self._stack.append(node)
        if handlers:
            self._call_handlers(handlers, node)
        if structural is not None:
            structural(node)
        else:
            # the node's fields, inlined: this loop runs for every node of every file
            inert, visit = self._inert, self.visit
            for name in fields:
                value = getattr(node, name, None)
                if value.__class__ is list:
                    for item in value:
                        if item.__class__ not in inert and isinstance(item, ast.AST):
                            visit(item)
                elif value.__class__ not in inert and isinstance(value, ast.AST):
                    visit(value)
        if statement:
            self._stack.pop()

    def _plan(self, node_type: type) -> _Plan:
        """What visiting one node type means, worked out once per type per file."""
        plan = (
            self.dispatch.get(node_type, ()),
            self._structural.get(node_type),
            () if node_type is ast.Constant else _child_fields(node_type, self._skip),
            issubclass(node_type, ast.stmt),
        )
        self._plans[node_type] = plan
        if not (plan[0] or plan[1] or plan[2]):
            self._inert.add(node_type)  # a name or constant nobody asks about: not visited
        return plan

    def _visit_list(self, nodes: Iterable[ast.AST | None]) -> None:
        for node in nodes:
            if node is not None:
                self.visit(node)

    def _call_handlers(self, handlers: tuple[Handler, ...], node: ast.AST) -> None:
        failed = self._failed
        for rule, function in handlers:
            if failed and rule.code in failed:
                continue
            try:
                function(self, node)
            except RecursionError:  # the file is nested too deeply: the engine's TL000
                raise
            except Exception as exc:  # one broken rule must not stop the others
                self._failed.add(rule.code)
                self._internal_error(rule, node, exc)

    def _internal_error(self, rule: Rule, node: ast.AST, exc: Exception) -> None:
        line = getattr(node, "lineno", 1)
        detail = f"{type(exc).__name__}: {exc}"
        if self.show_traceback:
            detail += "\n" + "".join(traceback.format_exception(exc)).rstrip()
        span = self.source.span(node) if hasattr(node, "lineno") else None
        self.internal_errors.append(
            Diagnostic(
                code=INTERNAL_ERROR_CODE,
                name=INTERNAL_ERROR_NAME,
                path=self.source.path,
                span=span or Span(line, 1, line, 1),
                message=f"internal error in rule {rule.code} ({rule.name}): {detail}",
                severity=Severity.ERROR,
            )
        )

    # --- structure: scopes, bindings, loops --------------------------------------------

    def _visit_import(self, node: ast.AST) -> None:
        self.semantic.bind_import(node)  # type: ignore[arg-type]

    def _qualify(self, name: str) -> str:
        return ".".join([self.module, *self._names, name])

    def _visit_function(self, node: ast.AST) -> None:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        self._visit_list(node.decorator_list)
        self._visit_arguments_outside(node.args)
        self._visit_list([node.returns])
        qualified = self._qualify(node.name)
        self.semantic.bind(Binding(node.name, BindingKind.FUNCTION, node, qualified=qualified))
        self._deferred.append(
            _Deferred(
                node, self.semantic.scope, list(self.semantic.classes), qualified, list(self._stack)
            )
        )

    def _visit_arguments_outside(self, args: ast.arguments) -> None:
        self._visit_list(args.defaults)
        self._visit_list(args.kw_defaults)
        for arg in (*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg):
            if arg is not None and arg.annotation is not None:
                self.visit(arg.annotation)

    def _run_function(self, deferred: _Deferred) -> None:
        node = deferred.node
        model = self.semantic
        model.scope = Scope(ScopeKind.FUNCTION, node, deferred.scope)
        model.classes = deferred.classes
        model.frame = Frame(function=node)
        model.function_name = deferred.qualified
        self._names = deferred.qualified.split(".")[1 + self.module.count(".") :]
        owner = deferred.classes[-1] if deferred.scope.kind is ScopeKind.CLASS else None
        self._bind_parameters(node, owner)
        self._stack[:] = deferred.ancestors
        self._visit_list(node.body)

    def _bind_parameters(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, owner: ast.ClassDef | None
    ) -> None:
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        decorators = set()
        if not isinstance(node, ast.Lambda):
            decorators = {d.id for d in node.decorator_list if isinstance(d, ast.Name)}
        for index, arg in enumerate([*positional, args.vararg, *args.kwonlyargs, args.kwarg]):
            if arg is None:
                continue
            if index == 0 and owner is not None and arg in positional:
                if "staticmethod" in decorators:
                    pass
                elif "classmethod" in decorators:
                    qualified = f"{self.module}.{owner.name}"
                    self.semantic.bind(
                        Binding(arg.arg, BindingKind.CLASS, arg, qualified=qualified, owner=owner)
                    )
                    continue
                else:
                    self.semantic.bind(Binding(arg.arg, BindingKind.SELF, arg, owner=owner))
                    continue
            annotation = unwrap_annotation(arg.annotation)
            annotation = queryset_annotation(self.semantic, annotation) or annotation
            if annotation is None:  # ``@receiver(post_save, sender=Order)``: an Order
                annotation = signal_instance(self.semantic, node, arg)
            qualified = None
            if annotation is None and admin_queryset(self.semantic, node, arg):
                qualified = QUERYSET_CLASS
            self.semantic.bind(
                Binding(arg.arg, BindingKind.PARAMETER, arg, value=annotation, qualified=qualified)
            )

    def _visit_lambda(self, node: ast.AST) -> None:
        assert isinstance(node, ast.Lambda)
        self._visit_arguments_outside(node.args)
        model = self.semantic
        saved_scope, saved_frame = model.scope, model.frame
        model.scope = Scope(ScopeKind.LAMBDA, node, saved_scope)
        model.frame = Frame(function=node)
        self._bind_parameters(node, None)
        self.visit(node.body)
        model.scope, model.frame = saved_scope, saved_frame

    def _visit_class(self, node: ast.AST) -> None:
        assert isinstance(node, ast.ClassDef)
        self._visit_list(node.decorator_list)
        self._visit_list(node.bases)
        self._visit_list(keyword.value for keyword in node.keywords)
        model = self.semantic
        saved = model.scope
        model.scope = Scope(ScopeKind.CLASS, node, saved)
        model.classes.append(node)
        self._names.append(node.name)
        self._visit_list(node.body)
        self._names.pop()
        model.classes.pop()
        model.scope = saved
        model.bind(Binding(node.name, BindingKind.CLASS, node, qualified=self._qualify(node.name)))

    def _visit_assign(self, node: ast.AST) -> None:
        assert isinstance(node, ast.Assign)
        self.visit(node.value)
        self._visit_list(node.targets)
        for target in node.targets:
            self.semantic.bind_target(target, BindingKind.ASSIGNMENT, node.value)

    def _visit_ann_assign(self, node: ast.AST) -> None:
        assert isinstance(node, ast.AnnAssign)
        self.visit(node.annotation)
        if node.value is not None:
            self.visit(node.value)
        self.visit(node.target)
        if node.value is not None:
            self.semantic.bind_target(node.target, BindingKind.ASSIGNMENT, node.value)
        elif isinstance(node.target, ast.Name):
            annotation = unwrap_annotation(node.annotation)
            self.semantic.bind_target(node.target, BindingKind.PARAMETER, annotation)

    def _visit_named_expr(self, node: ast.AST) -> None:
        assert isinstance(node, ast.NamedExpr)
        self.visit(node.value)
        self.semantic.bind_target(node.target, BindingKind.ASSIGNMENT, node.value)

    def _visit_for(self, node: ast.AST) -> None:
        assert isinstance(node, (ast.For, ast.AsyncFor))
        model = self.semantic
        self.visit(node.iter)
        self.visit(node.target)
        model.bind_target(node.target, BindingKind.LOOP_VARIABLE, node.iter)
        outer = model.frame
        loop = for_loop(node, model.small_loop_max)
        if not loop.small and is_constant_iterable(model, node.iter):
            loop = replace(loop, small=True)
        model.frame = Frame(outer.function, (*outer.loops, loop), outer.withs)
        self._visit_list(node.body)
        model.frame = outer
        self._visit_list(node.orelse)

    def _visit_while(self, node: ast.AST) -> None:
        assert isinstance(node, ast.While)
        model = self.semantic
        outer = model.frame
        model.frame = Frame(outer.function, (*outer.loops, while_loop(node)), outer.withs)
        self.visit(node.test)
        self._visit_list(node.body)
        model.frame = outer
        self._visit_list(node.orelse)

    def _visit_with(self, node: ast.AST) -> None:
        assert isinstance(node, (ast.With, ast.AsyncWith))
        model = self.semantic
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self.visit(item.optional_vars)
                model.bind_target(item.optional_vars, BindingKind.WITH_VARIABLE, item.context_expr)
        outer = model.frame
        model.frame = Frame(outer.function, outer.loops, (*outer.withs, *node.items))
        self._visit_list(node.body)
        model.frame = outer

    def _visit_comprehension(self, node: ast.AST) -> None:
        generators: list[ast.comprehension] = node.generators  # type: ignore[attr-defined]
        model = self.semantic
        self.visit(generators[0].iter)
        saved_scope, outer = model.scope, model.frame
        model.scope = Scope(ScopeKind.COMPREHENSION, node, saved_scope)
        for index, generator in enumerate(generators):
            if index:
                self.visit(generator.iter)
            self.visit(generator.target)
            model.bind_target(generator.target, BindingKind.LOOP_VARIABLE, generator.iter)
            loop = comprehension_loop(node, generator, model.small_loop_max)
            if not loop.small and is_constant_iterable(model, generator.iter):
                loop = replace(loop, small=True)
            model.frame = Frame(outer.function, (*model.frame.loops, loop), outer.withs)
            self._visit_list(generator.ifs)
        if isinstance(node, ast.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)  # type: ignore[attr-defined]
        model.scope, model.frame = saved_scope, outer

    def _visit_except_handler(self, node: ast.AST) -> None:
        assert isinstance(node, ast.ExceptHandler)
        if node.type is not None:
            self.visit(node.type)
        if node.name:
            self.semantic.bind(Binding(node.name, BindingKind.OTHER, node))
        self._visit_list(node.body)


def _root_name(node: ast.expr | None) -> str | None:
    """The name an attribute, subscript or call chain starts from (``ref`` of
    ``ref.severities`` or ``ref.lines.filter(...)``); None for anything else."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None
