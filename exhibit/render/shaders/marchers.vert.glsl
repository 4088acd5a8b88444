#version 130
// A column of walkers: where each figure stands, which way it faces and how far into its
// stride it is come from marchers.py (the same numpy formula as the software path, once
// per figure and frame); here each vertex only swings its leg or arm about the hip or
// shoulder, turns with the figure and stands where it stands. FIGURES (defined by the
// program) figures share one Geom and one pair of arrays.
#include "common.glsl"
#include "lit_out.glsl"
uniform vec4 u_figure[FIGURES];   // xyz: where the figure stands (object frame), w: heading (radians)
uniform vec4 u_gait[FIGURES];     // x: stride phase (radians), y: 1 on the path, 0 not drawn

const float HIP = 0.86;
const float SHOULDER = 1.42;

void main() {
    // p3d_Vertex: the position in the figure's own frame (feet at 0, facing +y);
    // p3d_MultiTexCoord0: x the figure's index in this Geom, y its swing (radians, signed)
    int index = int(p3d_MultiTexCoord0.x + 0.5);
    vec4 figure = u_figure[index];
    vec4 gait = u_gait[index];
    if (gait.y < 0.5) {
        // before the start or past the end of the path: collapsed, so nothing is drawn
        gl_Position = vec4(0.0, 0.0, 2.0, 1.0);
        return;
    }
    float swing = p3d_MultiTexCoord0.y;
    float phase = gait.x;
    float angle = swing * sin(phase);
    float pivot = abs(swing) > 0.37 ? HIP : (abs(swing) > 0.0 ? SHOULDER : 0.0);
    vec3 p = p3d_Vertex.xyz;
    float ry = p.y;
    float rz = p.z - pivot;
    float ca = cos(angle), sa = sin(angle);
    p.y = ry * ca - rz * sa;
    p.z = ry * sa + rz * ca + pivot + 0.035 * abs(cos(phase));
    float ch = cos(figure.w), sh = sin(figure.w);
    vec3 q = vec3(p.x * ch - p.y * sh, p.x * sh + p.y * ch, p.z) + figure.xyz;
    vec3 n = vec3(p3d_Normal.x * ch - p3d_Normal.y * sh, p3d_Normal.x * sh + p3d_Normal.y * ch, p3d_Normal.z);
    lit_vertex(vec4(q, 1.0), n, p3d_Color, vec2(0.5, 0.5));
}
