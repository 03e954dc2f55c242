package dev.saga.internal.determinism;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.springframework.asm.Label;

/**
 * Which slots of a method's operand stack hold {@code this}, as far as the instructions seen so
 * far tell: enough to know whether a call's receiver is {@code this}. A long or double takes two
 * slots, as in the JVM, so that the {@code dup} family works on slots. Where the stack cannot be
 * followed (after a return, a throw or an unconditional jump, until a label or stack map frame says
 * what it holds) nothing is {@code this}: the check would rather miss a self-invocation than flag a
 * call through an injected proxy.
 */
final class OperandStack {

    private record Snapshot(BitSet thisSlots, int size) {
    }

    private final BitSet thisSlots = new BitSet();
    private final Map<Label, Snapshot> atJumpTargets = new HashMap<>();
    private final Set<Label> handlers = new HashSet<>();
    private int size;
    private boolean known = true;

    void push(boolean isThis, int slots) {
        if (known) {
            for (int i = 0; i < slots; i++) {
                thisSlots.set(size++, isThis);
            }
        }
    }

    /** Pops one slot; whether it held {@code this}. */
    boolean pop() {
        if (!known || size == 0) {
            known = false;
            return false;
        }
        return thisSlots.get(--size);
    }

    void apply(int pops, int pushes) {
        for (int i = 0; i < pops; i++) {
            pop();
        }
        push(false, pushes);
    }

    /** Whether the slot {@code depth} below the top (0 is the top) holds {@code this}. */
    boolean isThis(int depth) {
        return known && depth < size && thisSlots.get(size - 1 - depth);
    }

    /** Copies the top {@code slots} slots and inserts the copy {@code below} slots beneath them. */
    void dup(int slots, int below) {
        if (!known || size < slots + below) {
            known = false;
            return;
        }
        var moved = thisSlots.get(size - slots - below, size);
        var top = thisSlots.get(size - slots, size);
        int at = size - slots - below;
        for (int i = 0; i < slots; i++) {
            thisSlots.set(at + i, top.get(i));
        }
        for (int i = 0; i < slots + below; i++) {
            thisSlots.set(at + slots + i, moved.get(i));
        }
        size += slots;
    }

    void swap() {
        boolean top = pop();
        boolean next = pop();
        push(top, 1);
        push(next, 1);
    }

    /** Control does not fall through to the next instruction. */
    void lose() {
        known = false;
    }

    /** A branch to {@code target} with the stack as it is now. */
    void jumpTo(Label target) {
        if (!known) {
            return;
        }
        var now = new Snapshot((BitSet) thisSlots.get(0, size), size);
        atJumpTargets.merge(target, now, OperandStack::merge);
    }

    void handler(Label handler) {
        handlers.add(handler);
    }

    /** Code at {@code label} is reached by falling through (if the stack is known) and by any jumps seen to it. */
    void enter(Label label) {
        if (handlers.contains(label)) {
            reset(1); // the exception
            return;
        }
        var jumps = atJumpTargets.remove(label);
        if (jumps == null) {
            return;
        }
        var reached = known ? merge(new Snapshot((BitSet) thisSlots.get(0, size), size), jumps) : jumps;
        if (reached.size() < 0) {
            known = false;
            return;
        }
        thisSlots.clear();
        thisSlots.or(reached.thisSlots());
        size = reached.size();
        known = true;
    }

    /** A stack map frame: the stack holds {@code slots} slots, unless it is followed already. */
    void frame(int slots) {
        if (!known || size != slots) {
            reset(slots);
        }
    }

    private void reset(int slots) {
        thisSlots.clear();
        size = slots;
        known = true;
    }

    /** A slot holds {@code this} only if it does on every path; paths of different depth give up (size -1). */
    private static Snapshot merge(Snapshot a, Snapshot b) {
        if (a.size() != b.size()) {
            return new Snapshot(new BitSet(), -1);
        }
        var both = (BitSet) a.thisSlots().clone();
        both.and(b.thisSlots());
        return new Snapshot(both, a.size());
    }
}
